import type { Logger } from 'pino';
import type { Caller } from '../auth/verifier';

/** What the middlewares put on ctx.state for the ones after them. */
export interface AppState {
  requestId: string;
  log: Logger;
  caller?: Caller;
  body?: unknown;
}
