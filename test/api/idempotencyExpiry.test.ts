import { IDEMPOTENCY_TTL_SECONDS } from '../../core/store/orders';
import { createTestApi, type TestApi } from '../support/api';

/**
 * An Idempotency-Key is remembered for IDEMPOTENCY_TTL_SECONDS after the order it created: until then the same
 * key replays that order, after it the key is free again. DynamoDB deletes expired claims only lazily (and
 * DynamoDB Local never does), so the store must treat an expired claim as absent: the app's clock is moved
 * forward here instead of waiting a day.
 */
let api: TestApi;
let now: Date;

beforeAll(async () => {
  api = await createTestApi({ clock: () => now });
});
afterAll(() => api.close());

const later = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);

const placeOrder = async (key: string, quantity = 1) =>
  api.http
    .post('/v1/orders')
    .set('Authorization', await api.auth('alice'))
    .set('Idempotency-Key', key)
    .send({ items: [{ sku: 'MS-002', quantity }] });

it('replays the order for its key up to the claim’s expiry, then a new order claims the key, and replays that one', async () => {
  const placedAt = new Date();
  now = placedAt;
  const first = await placeOrder('expiring-1');
  expect([first.status, first.headers['idempotent-replayed']]).toEqual([202, undefined]);

  now = later(placedAt, IDEMPOTENCY_TTL_SECONDS); // the last second the claim holds
  const replayed = await placeOrder('expiring-1');
  expect([replayed.status, replayed.body.orderId, replayed.headers['idempotent-replayed']]).toEqual([202, first.body.orderId, 'true']);

  const reclaimedAt = later(placedAt, IDEMPOTENCY_TTL_SECONDS + 1);
  now = reclaimedAt;
  const reclaimed = await placeOrder('expiring-1');
  expect([reclaimed.status, reclaimed.headers['idempotent-replayed']]).toEqual([202, undefined]);
  expect(reclaimed.body.orderId).not.toBe(first.body.orderId);
  expect(reclaimed.body.createdAt).toBe(reclaimedAt.toISOString());

  // The key now names the new order, for a full period from its creation.
  now = later(reclaimedAt, IDEMPOTENCY_TTL_SECONDS);
  const again = await placeOrder('expiring-1');
  expect([again.body.orderId, again.headers['idempotent-replayed']]).toEqual([reclaimed.body.orderId, 'true']);
});

it('refuses the key with another body while it is claimed, and takes it once the claim expired', async () => {
  const placedAt = new Date();
  now = placedAt;
  const first = await placeOrder('expiring-2', 1);
  expect(first.status).toBe(202);

  now = later(placedAt, 60);
  const reused = await placeOrder('expiring-2', 2);
  expect([reused.status, reused.body.type]).toEqual([422, '/problems/idempotency-key-reused']);

  now = later(placedAt, IDEMPOTENCY_TTL_SECONDS + 1);
  const taken = await placeOrder('expiring-2', 2);
  expect([taken.status, taken.headers['idempotent-replayed']]).toEqual([202, undefined]);
  expect(taken.body).toMatchObject({ items: [{ sku: 'MS-002', quantity: 2 }] });
  expect(taken.body.orderId).not.toBe(first.body.orderId);
});
