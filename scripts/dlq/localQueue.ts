import type { PollerState } from '../../local/poller/state';
import type { FailedBatchQueue } from './failedBatches';

/**
 * The local poller's dead-letter store seen as AWS's on-failure queue: only the on-failure records, never the
 * records the store keeps beside them, so the stack path (fetch by sequence range) can be rehearsed locally.
 */
export function localFailedBatches(state: PollerState): FailedBatchQueue {
  return {
    async receiveAll() {
      const letters = await state.deadLetters();
      return { batches: letters.map(({ id, onFailure }) => ({ id, onFailure })), unreadable: [] };
    },
    async hold() {}, // the local store hands nothing out to anyone else
    async settle(id, done) {
      if (done) await state.removeDeadLetter(id);
    },
  };
}
