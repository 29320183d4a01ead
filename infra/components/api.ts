/** What the API's two components (load balancer, Fargate service) and the pipeline's checks agree on. */
export const CONTAINER_PORT = 5000;
/** The Fargate component's type: the load balancer's resources were its children before the split. */
export const API_SERVICE_TYPE = 'orders:api:ApiService';
/** ECS sends SIGKILL this long after SIGTERM; the API drains for SHUTDOWN_GRACE_MS, a little less. */
export const STOP_TIMEOUT_SECONDS = 30;
export const SHUTDOWN_GRACE_MS = 25_000;
/** The ALB waits this long for in-flight requests of a deregistering task before ECS stops it. */
export const DEREGISTRATION_DELAY_SECONDS = 30;
/**
 * What the API does to the order table (and its indexes): its task role's grant, and all the DynamoDB gateway
 * endpoint lets through (infra/components/network.ts), so the two cannot drift apart.
 */
export const API_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
] as const;
