import type { z } from 'zod';

/**
 * What every runtime's configuration shares: one region default (the stacks' region, Pulumi.<stack>.yaml), and
 * one way to read the environment: parsed with a schema once at start, every problem named by its variable.
 */
export const DEFAULT_REGION = 'eu-west-1';

export function parseEnvironment<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
