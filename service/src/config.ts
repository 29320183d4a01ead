import { z } from 'zod';
import { DEFAULT_REGION, parseEnvironment } from '../../core/config';
import type { CustomerLimits } from '../../core/domain/limits';
import type { LocalPoolTrust, Pools } from './auth/verifier';

const idList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).min(1));

/** The container's configuration, read once from the environment (infra/ sets these on the task). */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(5000),
  TABLE_NAME: z.string().min(1),
  AWS_REGION: z.string().min(1).default(DEFAULT_REGION),
  /** Only locally: DynamoDB Local's address. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** In AWS: the customers' pool, and the app clients (comma-separated) whose access tokens we accept. */
  COGNITO_USER_POOL_ID: z.string().optional(),
  COGNITO_CLIENT_ID: idList,
  /** Only locally: cognito-local's issuer and JWKS (http) for the customers' pool. */
  COGNITO_ISSUER: z.url().optional(),
  COGNITO_JWKS_URI: z.url().optional(),
  /** The admins' pool (core/userpool.ts): admin rights come only from its tokens. In AWS its id, locally issuer and JWKS. */
  COGNITO_ADMIN_USER_POOL_ID: z.string().optional(),
  COGNITO_ADMIN_CLIENT_ID: idList,
  COGNITO_ADMIN_ISSUER: z.url().optional(),
  COGNITO_ADMIN_JWKS_URI: z.url().optional(),
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
  /** Per-customer order limits (core/domain/limits.ts): each stack's orders:limits; these defaults are npm start's. */
  LIMIT_UNITS_PER_LINE: z.coerce.number().int().min(1).default(100),
  LIMIT_LINES_PER_ORDER: z.coerce.number().int().min(1).default(50),
  LIMIT_OPEN_ORDERS: z.coerce.number().int().min(1).default(100),
  LIMIT_ORDERS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Below ECS's stopTimeout (infra keeps them in step). */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(25_000),
  /** Share of requests traced, 0–1, decided by the API whatever a caller's trace header says (apiTracing.ts); 1 unless the stack sets it. */
  TRACE_SAMPLE_RATIO: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().min(0).max(1).default(1)),
});

export type ServiceConfig = z.infer<typeof Env>;

/** The trace sample ratio alone: tracing starts before the rest of the configuration is read (tracing.ts). */
export const readTraceSampleRatio = (env: NodeJS.ProcessEnv): number => parseEnvironment(Env.pick({ TRACE_SAMPLE_RATIO: true }), env).TRACE_SAMPLE_RATIO;

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const config = parseEnvironment(Env, env);
  trustedPools(config);
  return config;
}

/** Whose tokens the API accepts: both pools in AWS by id, or both in cognito-local by issuer and JWKS. */
export type TrustedPools = { kind: 'aws'; pools: Pools<{ userPoolId: string; clientIds: string[] }> } | { kind: 'local'; pools: Pools<LocalPoolTrust> };

export function trustedPools(config: ServiceConfig): TrustedPools {
  const { COGNITO_USER_POOL_ID: customers, COGNITO_ADMIN_USER_POOL_ID: admins } = config;
  if (customers && admins)
    return {
      kind: 'aws',
      pools: {
        customers: { userPoolId: customers, clientIds: config.COGNITO_CLIENT_ID },
        admins: { userPoolId: admins, clientIds: config.COGNITO_ADMIN_CLIENT_ID },
      },
    };
  const { COGNITO_ISSUER: issuer, COGNITO_JWKS_URI: jwksUri, COGNITO_ADMIN_ISSUER: adminIssuer, COGNITO_ADMIN_JWKS_URI: adminJwksUri } = config;
  if (issuer && jwksUri && adminIssuer && adminJwksUri)
    return {
      kind: 'local',
      pools: {
        customers: { issuer, jwksUri, clientIds: config.COGNITO_CLIENT_ID },
        admins: { issuer: adminIssuer, jwksUri: adminJwksUri, clientIds: config.COGNITO_ADMIN_CLIENT_ID },
      },
    };
  throw new Error(
    'invalid configuration: set COGNITO_USER_POOL_ID and COGNITO_ADMIN_USER_POOL_ID (AWS), or COGNITO_ISSUER, COGNITO_JWKS_URI, COGNITO_ADMIN_ISSUER and COGNITO_ADMIN_JWKS_URI (local)',
  );
}

/** The per-customer limits alone, from an environment (`npm start` builds the app without the rest of this). */
export const readLimits = (env: NodeJS.ProcessEnv): CustomerLimits =>
  customerLimitsOf(
    parseEnvironment(Env.pick({ LIMIT_UNITS_PER_LINE: true, LIMIT_LINES_PER_ORDER: true, LIMIT_OPEN_ORDERS: true, LIMIT_ORDERS_PER_MINUTE: true }), env),
  );

/** The per-customer limits a configuration sets. */
export const customerLimitsOf = (
  config: Pick<ServiceConfig, 'LIMIT_UNITS_PER_LINE' | 'LIMIT_LINES_PER_ORDER' | 'LIMIT_OPEN_ORDERS' | 'LIMIT_ORDERS_PER_MINUTE'>,
): CustomerLimits => ({
  unitsPerLine: config.LIMIT_UNITS_PER_LINE,
  linesPerOrder: config.LIMIT_LINES_PER_ORDER,
  openOrders: config.LIMIT_OPEN_ORDERS,
  ordersPerMinute: config.LIMIT_ORDERS_PER_MINUTE,
});
