import { z } from 'zod';
import { DEFAULT_REGION, parseEnvironment } from '../../core/config';

/** The function's configuration, read once per container from the environment infra/ sets on it. */
const Env = z.object({
  TABLE_NAME: z.string().min(1),
  /** Lambda sets it; the default is every runtime's. */
  AWS_REGION: z.string().min(1).default(DEFAULT_REGION),
  /** Spans continue each order's trace to X-Ray unless "off". */
  TRACES: z.enum(['on', 'off']).default('on'),
});

export type ProcessorConfig = z.output<typeof Env>;

export const readProcessorConfig = (env: NodeJS.ProcessEnv = process.env): ProcessorConfig => parseEnvironment(Env, env);
