import { documentClient } from '../../core/store/client';
import type { StreamHandler } from '../../core/streamHandler';
import { LOCAL_AWS } from '../dynamodb';
import { localProcessor } from '../processor';
import type { IsolatedHandler } from './sandbox';

export interface ProcessorSandboxOptions {
  /** DynamoDB Local's endpoint: the sandbox makes its own client (a client does not cross into a worker). */
  endpoint: string;
  tableName: string;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

/** Built inside each sandbox, as Lambda's init builds the processor: its own client, the real handler. */
export const processorInSandbox = ({ endpoint, tableName, logLevel }: ProcessorSandboxOptions): StreamHandler =>
  localProcessor({ db: documentClient({ ...LOCAL_AWS, endpoint }), tableName, ...(logLevel ? { logLevel } : {}) });

/**
 * The real processor for a poller that runs it in sandboxes, stopped at the function timeout like Lambda stops
 * the execution environment: `new StreamPoller({ handler: processorSandbox({ endpoint, tableName }), ... })`.
 * Its DynamoDB calls are its own client's, so a tally metered on the stack's client does not count them.
 */
export const processorSandbox = (options: ProcessorSandboxOptions): IsolatedHandler => ({ module: __filename, export: 'processorInSandbox', options });
