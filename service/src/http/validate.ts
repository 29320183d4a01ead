import type { z } from 'zod';
import { validationProblem } from './problem';

/** Parses `value` with `schema` or throws a problem naming every bad field (400 for path/query, 422 for body). */
export function parse<S extends z.ZodType>(where: 'body' | 'query' | 'path', schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(where, result.error);
  return result.data;
}
