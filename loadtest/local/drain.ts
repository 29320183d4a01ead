import type { OrderOutcome } from '../lib/pipeline';

/**
 * Looks up each undecided order (20 at a time) until all are decided or `allowanceMs` has passed, filling in
 * `decidedAtMs` in place. `decidedAt` answers the decision time, or undefined while the order is PENDING.
 */
export async function drain(
  outcomes: OrderOutcome[],
  allowanceMs: number,
  decidedAt: (orderId: string) => Promise<number | undefined>,
  pauseMs = 250,
): Promise<void> {
  const deadline = Date.now() + allowanceMs;
  for (;;) {
    const pending = outcomes.filter((o) => o.decidedAtMs === undefined);
    for (let i = 0; i < pending.length; i += 20) {
      await Promise.all(
        pending.slice(i, i + 20).map(async (o) => {
          const at = await decidedAt(o.orderId);
          if (at !== undefined) o.decidedAtMs = at;
        }),
      );
    }
    if (outcomes.every((o) => o.decidedAtMs !== undefined) || Date.now() >= deadline) return;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}
