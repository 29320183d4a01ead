import { confirm, mustReleaseStock, reject, releaseStock, type Order } from '../domain/order';
import { insufficientStockReason } from '../domain/stock';
import { VersionConflictError } from './errors';
import type { OrderRepository, StockLedger } from './ports';
import { HOT_PRODUCT_RETRY, retryConflicts, type ConflictRetryPolicy, type RetryObserver } from './retry';

export type ReservationOutcome =
  | { outcome: 'CONFIRMED'; order: Order }
  /** `reason` is what the customer reads; `detail` (the counts) is for admins and operators. */
  | { outcome: 'REJECTED'; order: Order; reason: string; detail: string }
  /** The order was no longer PENDING at this version (redelivery, or the customer cancelled first). */
  | { outcome: 'UNCHANGED' };

export type ReleaseOutcome = { outcome: 'RELEASED' } | { outcome: 'UNCHANGED' };

/**
 * The stream processor's two workflows. Both are idempotent: a redelivered record finds the order already moved
 * and changes nothing. `onRetry` hears of each retry after contention (the caller counts and logs them).
 */
export interface StockReservations {
  reserveStock(order: Order, now: Date, onRetry?: RetryObserver): Promise<ReservationOutcome>;
  releaseStock(order: Order, onRetry?: RetryObserver): Promise<ReleaseOutcome>;
}

export interface StockReservationDeps {
  ledger: StockLedger;
  orders: Pick<OrderRepository, 'apply'>;
  /** How contention for a product's stock is retried before the record fails (default HOT_PRODUCT_RETRY). */
  retry?: ConflictRetryPolicy;
}

const UNCHANGED = { outcome: 'UNCHANGED' } as const;

export function stockReservations({ ledger, orders, retry = HOT_PRODUCT_RETRY }: StockReservationDeps): StockReservations {
  /**
   * Confirms a PENDING order by taking its stock, or rejects it when a line runs short: only a real shortage
   * rejects, contention is retried. A rejection that finds the order moved on (cancelled meanwhile) is no change.
   */
  const reserveStock = async (order: Order, now: Date, onRetry?: RetryObserver): Promise<ReservationOutcome> => {
    const confirmation = confirm(order, now);
    const take = await retryConflicts(() => ledger.take(confirmation), retry, onRetry);
    if (take.kind === 'stale') return UNCHANGED;
    if (take.kind === 'taken') return { outcome: 'CONFIRMED', order: confirmation.next };
    const { reason, detail } = insufficientStockReason(take.shortages);
    try {
      const rejected = await retryConflicts(() => orders.apply(reject(order, now, reason, detail)), retry, onRetry);
      return { outcome: 'REJECTED', order: rejected, reason, detail };
    } catch (err) {
      if (err instanceof VersionConflictError) return UNCHANGED;
      throw err;
    }
  };

  /** Gives a cancelled order's reserved stock back, exactly once (the domain's stock table guards it). */
  const releaseStockOf = async (order: Order, onRetry?: RetryObserver): Promise<ReleaseOutcome> => {
    if (!mustReleaseStock(order)) return UNCHANGED;
    const given = await retryConflicts(() => ledger.giveBack(releaseStock(order)), retry, onRetry);
    return given === 'given-back' ? { outcome: 'RELEASED' } : UNCHANGED;
  };

  return { reserveStock, releaseStock: releaseStockOf };
}
