import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** Order ids are ULIDs: unique without coordination and sortable by creation time (newest-first listing). */
export const newOrderId = (now: Date = new Date()): string => nextUlid(now.getTime());

/** Canonical (upper-case Crockford base32) ULIDs only: one order, one spelling, one key. */
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
export const isOrderId = (value: string): boolean => ULID.test(value);
