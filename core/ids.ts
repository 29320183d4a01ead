import { monotonicFactory, isValid } from 'ulid';

const nextUlid = monotonicFactory();

/** Order ids are ULIDs: unique without coordination and sortable by creation time (newest-first listing). */
export const newOrderId = (now: Date = new Date()): string => nextUlid(now.getTime());

export const isOrderId = (value: string): boolean => value.length === 26 && isValid(value);
