import Router from '@koa/router';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AppState } from '../http/context';
import { ProblemError } from '../http/problem';

export interface HealthDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
  isShuttingDown: () => boolean;
}

const PROBE_TIMEOUT_MS = 2000;

/**
 * Unauthenticated health, in two depths:
 * - `/v1/health`, liveness: the process serves HTTP and is not draining. The ALB's target group checks this,
 *   so a DynamoDB blip never marks every task unhealthy at once (ECS would replace them all, and a deploy's
 *   circuit breaker could roll back a good release).
 * - `/v1/health/ready`, readiness: also proves the table answers with the task role's own rights (smoke
 *   checks, operators).
 */
export function healthRoutes({ db, tableName, isShuttingDown }: HealthDeps): Router<AppState> {
  const router = new Router<AppState>();
  const refuseWhileDraining = () => {
    if (isShuttingDown()) {
      throw new ProblemError(503, 'shutting-down', 'Shutting down', 'This task is draining.', undefined, { 'Retry-After': '1' });
    }
  };
  router.get('/v1/health', (ctx) => {
    refuseWhileDraining();
    ctx.body = { status: 'ok' };
  });
  router.get('/v1/health/ready', async (ctx) => {
    refuseWhileDraining();
    let reachable = true;
    try {
      // A GetItem of a key that never exists: proves the table answers with the task role's own rights.
      await db.send(new GetCommand({ TableName: tableName, Key: { PK: 'HEALTH', SK: 'HEALTH' } }), {
        abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
    } catch (err) {
      reachable = false;
      ctx.state.log.warn({ err }, 'health probe failed');
    }
    ctx.status = reachable ? 200 : 503;
    if (!reachable) ctx.set('Retry-After', '1');
    ctx.body = { status: reachable ? 'ok' : 'unavailable', store: reachable ? 'reachable' : 'unreachable' };
  });
  return router;
}
