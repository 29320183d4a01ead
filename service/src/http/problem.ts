import type { z } from 'zod';

/** One invalid field: `field` for people (items[0].quantity), `pointer` for programs (#/items/0/quantity). */
export interface FieldError {
  field: string;
  pointer: string;
  detail: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

/** An error that is the client's to fix (or a 503 to retry), rendered as RFC 9457 problem+json. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'ProblemError';
  }
}

export const problemType = (slug: string) => `/problems/${slug}`;

type PathPart = PropertyKey;

export function fieldError(where: string, path: readonly PathPart[], detail: string): FieldError {
  const parts = path.map(String);
  const field = parts.reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
  const escaped = parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1'));
  return {
    field: where === 'body' ? field || 'body' : `${where}${field ? `.${field}` : ''}`,
    pointer: where === 'body' ? `#/${escaped.join('/')}` : `${where}#/${escaped.join('/')}`,
    detail,
  };
}

/** zod issues → one FieldError each. Unknown keys become one error per key so the client sees its name. */
export function zodFieldErrors(where: 'body' | 'query' | 'path', error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => fieldError(where, [...issue.path, key], 'is not a known field'))
      : [fieldError(where, issue.path, issue.message)],
  );
}

export function validationProblem(where: 'body' | 'query' | 'path', error: z.ZodError): ProblemError {
  const status = where === 'body' ? 422 : 400;
  const errors = zodFieldErrors(where, error);
  return new ProblemError(
    status,
    'validation-error',
    where === 'body' ? 'The request body is not valid' : `The request ${where === 'path' ? 'path' : 'query'} is not valid`,
    errors.map((e) => `${e.field}: ${e.detail}`).join('; '),
    errors,
  );
}

const TITLES: Record<number, [string, string]> = {
  400: ['bad-request', 'Bad request'],
  401: ['unauthorized', 'Authentication required'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  409: ['conflict', 'Conflict'],
  413: ['payload-too-large', 'Request body too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  422: ['unprocessable', 'Unprocessable request'],
  500: ['internal-error', 'Internal error'],
  501: ['not-implemented', 'Not implemented'],
  503: ['unavailable', 'Service unavailable'],
};

export function problemForStatus(status: number, detail?: string): ProblemError {
  const [slug, title] = TITLES[status] ?? ['error', 'Error'];
  return new ProblemError(status, slug, title, detail);
}
