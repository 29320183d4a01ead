import { cancel, confirm, newOrder, type Order, type Transition } from '../../core/domain/order';
import { StockContentionError, VersionConflictError } from '../../core/orders/errors';
import type { StockLedger, StockTake } from '../../core/orders/ports';
import { stockReservations } from '../../core/orders/stockReservations';

/**
 * The processor's workflows through their ports: a plain ledger stands in for the table, so contention, a lost
 * race and a redelivery are reached on demand. test/processor/ runs the same use cases against DynamoDB Local.
 */
const now = new Date('2026-11-25T12:00:00.000Z');
const pending = (): Order =>
  newOrder({ orderId: '01JORDER00000000000000000A', customerId: 'alice', items: [{ sku: 'KB-001', quantity: 2, unitPrice: 8900 }], currency: 'EUR', now });
const noRetryWait = { attempts: 3, baseDelayMs: 0, maxDelayMs: 0 };

function ledger(takes: Array<StockTake | Error>, giveBacks: Array<'given-back' | 'stale' | Error> = []) {
  const calls = { take: [] as Transition[], giveBack: [] as Transition[] };
  const next = <T>(answers: Array<T | Error>) => {
    const answer = answers.shift();
    if (answer === undefined) throw new Error('unexpected call');
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  const port: StockLedger = {
    take: (change) => (calls.take.push(change), next(takes)),
    giveBack: (change) => (calls.giveBack.push(change), next(giveBacks)),
  };
  return { port, calls };
}

const applied: Transition[] = [];
const orders = (outcome: 'lands' | 'conflicts' = 'lands') => ({
  apply: async (change: Transition) => {
    applied.push(change);
    if (outcome === 'conflicts') throw new VersionConflictError(change.orderId);
    return change.next;
  },
});

beforeEach(() => (applied.length = 0));

describe('reserveStock', () => {
  it('confirms the order with the confirmation it handed the ledger', async () => {
    const { port, calls } = ledger([{ kind: 'taken' }]);
    const result = await stockReservations({ ledger: port, orders: orders() }).reserveStock(pending(), now);
    expect(calls.take).toEqual([confirm(pending(), now)]);
    expect(result).toEqual({ outcome: 'CONFIRMED', order: confirm(pending(), now).next });
    expect(applied).toEqual([]);
  });

  it('rejects on a shortage, with the reason written through the order repository', async () => {
    const { port } = ledger([{ kind: 'short', shortages: [{ sku: 'KB-001', ordered: 2, inStock: 1 }] }]);
    const result = await stockReservations({ ledger: port, orders: orders() }).reserveStock(pending(), now);
    const reason = 'insufficient stock: KB-001';
    const detail = 'insufficient stock (KB-001: 1 in stock, 2 ordered)';
    expect(result).toMatchObject({ outcome: 'REJECTED', reason, order: { status: 'REJECTED', version: 2 } });
    expect(applied.map((c) => c.next.history.at(-1))).toEqual([{ status: 'REJECTED', at: now.toISOString(), reason, detail }]);
  });

  it('changes nothing when the order moved on: before the take, or before the rejection', async () => {
    const stale = await stockReservations({ ledger: ledger([{ kind: 'stale' }]).port, orders: orders() }).reserveStock(pending(), now);
    expect(stale).toEqual({ outcome: 'UNCHANGED' });
    const short = ledger([{ kind: 'short', shortages: [{ sku: 'KB-001', ordered: 2 }] }]).port;
    expect(await stockReservations({ ledger: short, orders: orders('conflicts') }).reserveStock(pending(), now)).toEqual({ outcome: 'UNCHANGED' });
  });

  it('retries contention, telling the caller of each retry, and gives up after the policy’s attempts', async () => {
    const retries: number[] = [];
    const contended = () => new StockContentionError(['None', 'TransactionConflict']);
    const { port, calls } = ledger([contended(), contended(), { kind: 'taken' }]);
    const reservations = stockReservations({ ledger: port, orders: orders(), retry: noRetryWait });
    expect(await reservations.reserveStock(pending(), now, (attempt) => retries.push(attempt))).toMatchObject({ outcome: 'CONFIRMED' });
    expect(retries).toEqual([1, 2]);
    expect(calls.take).toHaveLength(3);
    const hopeless = stockReservations({ ledger: ledger([contended(), contended(), contended()]).port, orders: orders(), retry: noRetryWait });
    await expect(hopeless.reserveStock(pending(), now)).rejects.toBeInstanceOf(StockContentionError);
  });

  it('does not retry what is not contention', async () => {
    const { port, calls } = ledger([new Error('ValidationException'), { kind: 'taken' }]);
    await expect(stockReservations({ ledger: port, orders: orders(), retry: noRetryWait }).reserveStock(pending(), now)).rejects.toThrow('ValidationException');
    expect(calls.take).toHaveLength(1);
  });
});

describe('releaseStock', () => {
  const cancelledConfirmed = () => cancel(confirm(pending(), now).next, now).next;

  it('gives a cancelled order’s reserved stock back through the domain’s release', async () => {
    const { port, calls } = ledger([], ['given-back']);
    expect(await stockReservations({ ledger: port, orders: orders() }).releaseStock(cancelledConfirmed())).toEqual({ outcome: 'RELEASED' });
    expect(calls.giveBack.map((c) => [c.requires, c.next.stockState])).toEqual([[{ status: ['CANCELLED'], stockState: ['RESERVED'] }, 'RELEASED']]);
  });

  it('changes nothing for stock never reserved or already given back', async () => {
    const { port, calls } = ledger([], ['stale']);
    const reservations = stockReservations({ ledger: port, orders: orders() });
    expect(await reservations.releaseStock(cancel(pending(), now).next)).toEqual({ outcome: 'UNCHANGED' });
    expect(calls.giveBack).toHaveLength(0);
    expect(await reservations.releaseStock(cancelledConfirmed())).toEqual({ outcome: 'UNCHANGED' });
  });

  it('retries contention as the reservation does', async () => {
    const retries: number[] = [];
    const { port } = ledger([], [new StockContentionError(['TransactionConflict']), 'given-back']);
    const result = await stockReservations({ ledger: port, orders: orders(), retry: noRetryWait }).releaseStock(cancelledConfirmed(), (a) => retries.push(a));
    expect(result).toEqual({ outcome: 'RELEASED' });
    expect(retries).toEqual([1]);
  });
});
