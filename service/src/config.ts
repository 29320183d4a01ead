import { z } from 'zod';
import { DEFAULT_REGION, parseEnvironment } from '../../core/config';

/** The container's configuration, read once from the environment (infra/ sets these on the task). */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(5000),
  TABLE_NAME: z.string().min(1),
  AWS_REGION: z.string().min(1).default(DEFAULT_REGION),
  /** Only locally: DynamoDB Local's address. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** In AWS: the pool, and the app clients (comma-separated) whose access tokens we accept. */
  COGNITO_USER_POOL_ID: z.string().optional(),
  COGNITO_CLIENT_ID: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string()).min(1)),
  /** Only locally: cognito-local's issuer and JWKS (http). */
  COGNITO_ISSUER: z.url().optional(),
  COGNITO_JWKS_URI: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Comma-separated origins whose pages may call the API (CORS); none by default. */
  CORS_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url().refine((o) => new URL(o).origin === o, 'must be an origin: scheme://host[:port], no path'))),
  /** "true" where the stack serves HTTPS: responses carry Strict-Transport-Security. */
  HSTS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Below ECS's stopTimeout (infra keeps them in step). */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(25_000),
});

export type ServiceConfig = z.infer<typeof Env>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const config = parseEnvironment(Env, env);
  if (!config.COGNITO_USER_POOL_ID && !(config.COGNITO_ISSUER && config.COGNITO_JWKS_URI)) {
    throw new Error('invalid configuration: set COGNITO_USER_POOL_ID (AWS) or COGNITO_ISSUER and COGNITO_JWKS_URI (local)');
  }
  return config;
}
