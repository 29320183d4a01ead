/**
 * The order aggregate and its lifecycle. Pure: no AWS, Koa, Lambda or Pulumi.
 *
 *   PENDING ──▶ CONFIRMED ──▶ CANCELLED
 *      │  └──▶ REJECTED
 *      └─────────────────────▶ CANCELLED
 *
 * PENDING → CONFIRMED | REJECTED is the processor's decision; → CANCELLED is the customer's.
 * A transition is only ever applied by a conditional write built from its `requires` (`allowedSources`, and
 * `stockSources` when stock moves), so the store enforces the same graphs this module and stock.ts declare.
 */
import { canMoveStock, stockSources, type StockState } from './stock';

export type { StockState } from './stock';

export const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderItem {
  sku: string;
  quantity: number;
  /** Price per unit in minor units (cents), snapshotted from the catalog when the order was accepted. */
  unitPrice: number;
}

export interface StatusChange {
  status: OrderStatus;
  at: string;
  /** Why, as the order's customer reads it. */
  reason?: string;
  /** Admins only: what the customer is not told (a rejection's stock counts). */
  detail?: string;
}

export interface Order {
  orderId: string;
  customerId: string;
  items: OrderItem[];
  /** Sum of quantity × unitPrice, in minor units; computed here, never taken from a client. */
  total: number;
  currency: string;
  status: OrderStatus;
  stockState: StockState;
  /** Counted among its customer's open orders when placed (core/domain/limits.ts); left out of the count once decided. */
  countedAsOpen: boolean;
  /** Incremented by every write; each write is conditional on the version it read. */
  version: number;
  createdAt: string;
  updatedAt: string;
  history: StatusChange[];
}

const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: ['CONFIRMED', 'REJECTED', 'CANCELLED'],
  CONFIRMED: ['CANCELLED'],
  REJECTED: [],
  CANCELLED: [],
};

export const isTerminal = (status: OrderStatus): boolean => NEXT[status].length === 0;

/**
 * Open: not yet decided, what the open-order limit counts. A confirmed order holds stock but leaves the count:
 * with no payment or fulfilment step after it, counting it would hold its customer's place for good.
 */
export const isOpen = (status: OrderStatus): boolean => status === 'PENDING';

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => NEXT[from].includes(to);

/** The statuses an order may be in for a move to `to` to be legal: the store's write condition. */
export const allowedSources = (to: OrderStatus): OrderStatus[] => ORDER_STATUSES.filter((from) => canTransition(from, to));

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
    why = `an order that is ${from} cannot become ${to}`,
  ) {
    super(why);
    this.name = 'IllegalTransitionError';
  }
}

/** What the stored order must still be for a change to land: the write's condition, from the domain's tables. */
export interface TransitionGuard {
  readonly status: readonly OrderStatus[];
  /** Present when the change moves stock. */
  readonly stockState?: readonly StockState[];
}

/** A change ready to be written: the new state, and the state it must still find in the store. */
export interface Transition {
  readonly orderId: string;
  readonly from: OrderStatus;
  readonly expectedVersion: number;
  readonly requires: TransitionGuard;
  readonly next: Order;
}

export function transition(order: Order, to: OrderStatus, at: Date, reason?: string, detail?: string): Transition {
  if (!canTransition(order.status, to)) throw new IllegalTransitionError(order.status, to);
  const iso = at.toISOString();
  // A confirmation takes the stock in the same write; no other status change moves it.
  const stockState: StockState = to === 'CONFIRMED' ? 'RESERVED' : order.stockState;
  return {
    orderId: order.orderId,
    from: order.status,
    expectedVersion: order.version,
    requires: { status: allowedSources(to), ...(stockState !== order.stockState ? { stockState: stockSources(stockState) } : {}) },
    next: {
      ...order,
      status: to,
      stockState,
      version: order.version + 1,
      updatedAt: iso,
      history: [...order.history, { status: to, at: iso, ...(reason ? { reason } : {}), ...(detail ? { detail } : {}) }],
    },
  };
}

export const confirm = (order: Order, at: Date): Transition => transition(order, 'CONFIRMED', at);
export const reject = (order: Order, at: Date, reason: string, detail?: string): Transition => transition(order, 'REJECTED', at, reason, detail);
export const cancel = (order: Order, at: Date, reason = 'cancelled by customer'): Transition => transition(order, 'CANCELLED', at, reason);

/** Stock goes back only for a cancelled order that held it, and only once. */
export const mustReleaseStock = (order: Order): boolean => order.status === 'CANCELLED' && canMoveStock(order.stockState, 'RELEASED');

/**
 * A cancelled order's stock given back. Bookkeeping rather than a change of the order's status: its status,
 * history and updatedAt stay as the cancel left them.
 */
export function releaseStock(order: Order): Transition {
  if (!mustReleaseStock(order)) throw new IllegalTransitionError(order.status, order.status, `${order.stockState} stock cannot be released`);
  return {
    orderId: order.orderId,
    from: order.status,
    expectedVersion: order.version,
    requires: { status: [order.status], stockState: stockSources('RELEASED') },
    next: { ...order, stockState: 'RELEASED', version: order.version + 1 },
  };
}

export interface NewOrderInput {
  orderId: string;
  customerId: string;
  items: OrderItem[];
  currency: string;
  now: Date;
}

export function newOrder({ orderId, customerId, items, currency, now }: NewOrderInput): Order {
  const at = now.toISOString();
  return {
    orderId,
    customerId,
    items,
    total: orderTotal(items),
    currency,
    status: 'PENDING',
    stockState: 'NONE',
    countedAsOpen: false,
    version: 1,
    createdAt: at,
    updatedAt: at,
    history: [{ status: 'PENDING', at }],
  };
}

export const orderTotal = (items: readonly OrderItem[]): number => items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);

/** Can this caller see (and act on) this order? Anyone else is told it does not exist. */
export const isVisibleTo = (order: Order, caller: { sub: string; isAdmin: boolean }): boolean => caller.isAdmin || order.customerId === caller.sub;
