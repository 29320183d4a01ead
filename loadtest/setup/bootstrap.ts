import {
  AdminAddUserToGroupCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HOT_PRODUCT_RETRY, retryConflicts } from '../../core/orders/retry';
import { throwIfContended } from '../../core/dynamoErrors';
import { productToItem } from '../../core/tableItems';
import { LOAD_TESTERS_GROUP, userPoolShape } from '../../core/userpool';
import { createUser } from '../../local/cognito';
import { FLASH_SALE, LOADTEST_PRODUCTS, LOADTEST_STOCK } from '../lib/catalog';

/**
 * What a freshly deployed stack lacks before its gate can run: a load-test user that can sign in, and the gate's
 * own products. Each step is idempotent and says what it changed, so running it twice changes nothing. Run on a
 * deployed stack by `npm run stack:bootstrap` (scripts/pipeline), on a local one by `npm run loadtest`.
 */
export type Change = { what: string; action: 'created' | 'updated' | 'unchanged'; detail?: string };

const nameOf = (err: unknown) => (err as { name?: string }).name;

/**
 * A write on an item a transaction holds (the processor deciding an order for that product) is refused with
 * TransactionConflictException, which the SDK does not retry: tried again as the store's own writes are.
 */
export const retryingContention = <T>(send: () => Promise<T>): Promise<T> =>
  retryConflicts(
    () =>
      send().catch((err: unknown) => {
        throwIfContended(err);
        throw err;
      }),
    HOT_PRODUCT_RETRY,
  );

/** Why a password would be refused by the pool's policy (core/userpool.ts), or undefined. */
export function passwordProblem(password: string): string | undefined {
  const policy = userPoolShape.passwordPolicy;
  if (password.length < policy.minimumLength) return `at least ${policy.minimumLength} characters`;
  if (policy.requireLowercase && !/[a-z]/.test(password)) return 'a lower-case letter';
  if (policy.requireUppercase && !/[A-Z]/.test(password)) return 'an upper-case letter';
  if (policy.requireNumbers && !/[0-9]/.test(password)) return 'a digit';
  return undefined;
}

/**
 * The load-test user, signed in with USER_PASSWORD_AUTH as k6 does. AdminCreateUser alone leaves it in
 * FORCE_CHANGE_PASSWORD (sign-in answers NEW_PASSWORD_REQUIRED, no tokens): the password is set Permanent.
 * An existing user whose sign-in fails (a rotated secret) gets the password again.
 */
export async function ensureLoadTestUser(
  cognito: CognitoIdentityProviderClient,
  pool: { userPoolId: string; clientId: string },
  credentials: { username: string; password: string },
): Promise<Change> {
  const change = await ensureSignIn(cognito, pool, credentials);
  // The gate places orders at load-test rates: its user is in the group the per-customer limits skip.
  // By the pool's own username: cognito-local matches members by it, not by the e-mail alias (AWS takes either).
  const { Username } = await cognito.send(new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: credentials.username }));
  const groups = await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: pool.userPoolId, Username: Username ?? credentials.username }));
  if (groups.Groups?.some((g) => g.GroupName === LOAD_TESTERS_GROUP)) return change;
  await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.userPoolId, Username: credentials.username, GroupName: LOAD_TESTERS_GROUP }));
  return change.action === 'unchanged' ? { ...change, action: 'updated', detail: `added to ${LOAD_TESTERS_GROUP}` } : change;
}

/** The user exists, confirmed, and signs in with the given password. */
async function ensureSignIn(
  cognito: CognitoIdentityProviderClient,
  pool: { userPoolId: string; clientId: string },
  credentials: { username: string; password: string },
): Promise<Change> {
  const { username, password } = credentials;
  const what = `load-test user ${username}`;
  if (!/^[^@\s]+@[^@\s]+$/.test(username)) throw new Error(`LOADTEST_USERNAME must be an e-mail address (the pool signs in by e-mail), got '${username}'`);
  const problem = passwordProblem(password);
  if (problem) throw new Error(`LOADTEST_PASSWORD does not meet the pool's password policy: it needs ${problem}`);

  const setPassword = () =>
    cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.userPoolId, Username: username, Password: password, Permanent: true }));
  let status: string | undefined;
  try {
    status = (await cognito.send(new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: username }))).UserStatus;
  } catch (err) {
    if (nameOf(err) !== 'UserNotFoundException') throw err;
  }
  if (status === undefined) {
    await createUser(cognito, pool.userPoolId, username, password);
    return { what, action: 'created' };
  }
  if (status !== 'CONFIRMED') {
    await setPassword();
    return { what, action: 'updated', detail: `was ${status}, password set permanent` };
  }
  try {
    const signedIn = await cognito.send(
      new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }),
    );
    if (signedIn.AuthenticationResult?.AccessToken) return { what, action: 'unchanged' };
  } catch (err) {
    // Cognito answers a wrong password with NotAuthorizedException; cognito-local with InvalidPasswordException.
    if (!['NotAuthorizedException', 'InvalidPasswordException'].includes(nameOf(err) ?? '')) throw err;
  }
  await setPassword();
  return { what, action: 'updated', detail: 'sign-in failed, password set again' };
}

/**
 * The gate's products (loadtest/lib/catalog.ts): created with LOADTEST_STOCK.refillTo units, refilled once
 * they fall under refillBelow or differ from their definition, otherwise left alone (one conditional put).
 */
export async function ensureLoadTestCatalog(db: DynamoDBDocumentClient, tableName: string, now = new Date()): Promise<Change[]> {
  const changes: Change[] = [];
  for (const product of LOADTEST_PRODUCTS) {
    const what = `product ${product.sku}`;
    try {
      const replaced = await retryingContention(() =>
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: productToItem({ ...product, stock: LOADTEST_STOCK.refillTo, updatedAt: now.toISOString() }),
            ConditionExpression: 'attribute_not_exists(PK) OR stock < :refillBelow OR price <> :price OR currency <> :currency OR #name <> :name',
            ExpressionAttributeNames: { '#name': 'name' },
            ExpressionAttributeValues: {
              ':refillBelow': LOADTEST_STOCK.refillBelow,
              ':price': product.price,
              ':currency': product.currency,
              ':name': product.name,
            },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      const before = replaced.Attributes;
      changes.push(before ? { what, action: 'updated', detail: `stock ${String(before.stock)} → ${LOADTEST_STOCK.refillTo}` } : { what, action: 'created' });
    } catch (err) {
      if (nameOf(err) !== 'ConditionalCheckFailedException') throw err;
      changes.push({ what, action: 'unchanged' });
    }
  }
  return changes;
}

/**
 * Arms a flash sale: the flash-sale product (loadtest/lib/catalog.ts) with exactly `units` (FLASH_SALE.stock),
 * whatever a previous sale left. Run before each `flash-sale` load run; the gate never touches this product.
 */
export async function armFlashSale(db: DynamoDBDocumentClient, tableName: string, units: number = FLASH_SALE.stock, now = new Date()): Promise<Change> {
  const replaced = await retryingContention(() =>
    db.send(
      new PutCommand({
        TableName: tableName,
        Item: productToItem({ ...FLASH_SALE.product, stock: units, updatedAt: now.toISOString() }),
        ReturnValues: 'ALL_OLD',
      }),
    ),
  );
  const what = `product ${FLASH_SALE.product.sku}`;
  return replaced.Attributes
    ? { what, action: 'updated', detail: `stock ${String(replaced.Attributes.stock)} → ${units}` }
    : { what, action: 'created', detail: `${units} units` };
}
