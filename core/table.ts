/**
 * The order table, defined once. infra/ turns it into an aws.dynamodb.Table and the local stack into a
 * CreateTable call, so what runs on a laptop is what deploys.
 *
 * Single-table design:
 *   order        PK=ORDER#<orderId>                 SK=ORDER        GSI1: CUSTOMER#<customerId> / ORDER#<orderId>
 *   product      PK=PRODUCT#<sku>                   SK=PRODUCT      GSI1: PRODUCTS / PRODUCT#<sku>
 *   idempotency  PK=IDEMPOTENCY#<customer>#<hash>   SK=IDEMPOTENCY  (expires through TTL on `expiresAt`)
 *   quota        PK=CUSTOMER#<customer>             SK=QUOTA        the customer's open orders, kept with every change
 *   rate window  PK=CUSTOMER#<customer>             SK=RATE#<minute> orders placed in that minute (TTL `expiresAt`)
 * A customer's orders are one Query on GSI1, newest first because order ids are ULIDs.
 */
export type KeyType = 'S' | 'N' | 'B';

export interface IndexDefinition {
  name: string;
  hashKey: string;
  rangeKey: string;
  projectionType: 'ALL' | 'KEYS_ONLY';
}

export interface TableDefinition {
  attributes: ReadonlyArray<{ name: string; type: KeyType }>;
  hashKey: string;
  rangeKey: string;
  globalSecondaryIndexes: readonly IndexDefinition[];
  streamViewType: 'NEW_AND_OLD_IMAGES';
  ttlAttribute: string;
  billingMode: 'PAY_PER_REQUEST';
}

export const LIST_INDEX = 'GSI1';

export const orderTable: TableDefinition = {
  attributes: [
    { name: 'PK', type: 'S' },
    { name: 'SK', type: 'S' },
    { name: 'GSI1PK', type: 'S' },
    { name: 'GSI1SK', type: 'S' },
  ],
  hashKey: 'PK',
  rangeKey: 'SK',
  globalSecondaryIndexes: [{ name: LIST_INDEX, hashKey: 'GSI1PK', rangeKey: 'GSI1SK', projectionType: 'ALL' }],
  streamViewType: 'NEW_AND_OLD_IMAGES',
  ttlAttribute: 'expiresAt',
  billingMode: 'PAY_PER_REQUEST',
};

/** Entity discriminator stored on every item; the stream filter matches on it. */
export const ENTITY = {
  order: 'Order',
  product: 'Product',
  idempotency: 'IdempotencyRecord',
  quota: 'CustomerQuota',
  rateWindow: 'OrderRateWindow',
} as const;

export const orderKey = (orderId: string) => ({ PK: `ORDER#${orderId}`, SK: 'ORDER' });
/** The order id an order item's partition key names (undefined for any other item). */
export const orderIdOfKey = (pk: string | undefined): string | undefined => (pk?.startsWith('ORDER#') ? pk.slice('ORDER#'.length) : undefined);
export const customerOrdersKey = (customerId: string, orderId: string) => ({
  GSI1PK: `CUSTOMER#${customerId}`,
  GSI1SK: `ORDER#${orderId}`,
});
export const productKey = (sku: string) => ({ PK: `PRODUCT#${sku}`, SK: 'PRODUCT' });
export const catalogKey = (sku: string) => ({ GSI1PK: 'PRODUCTS', GSI1SK: `PRODUCT#${sku}` });
export const customerQuotaKey = (customerId: string) => ({ PK: `CUSTOMER#${customerId}`, SK: 'QUOTA' });
/** `minute`: whole minutes since the epoch. */
export const orderRateKey = (customerId: string, minute: number) => ({ PK: `CUSTOMER#${customerId}`, SK: `RATE#${minute}` });
export const idempotencyRecordKey = (customerId: string, keyHash: string) => ({
  PK: `IDEMPOTENCY#${customerId}#${keyHash}`,
  SK: 'IDEMPOTENCY',
});

/** The CreateTable request for this definition (used by the local stack and tests). */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    AttributeDefinitions: orderTable.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: [
      { AttributeName: orderTable.hashKey, KeyType: 'HASH' as const },
      { AttributeName: orderTable.rangeKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: orderTable.globalSecondaryIndexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.hashKey, KeyType: 'HASH' as const },
        { AttributeName: index.rangeKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: index.projectionType },
    })),
    BillingMode: orderTable.billingMode,
    StreamSpecification: { StreamEnabled: true, StreamViewType: orderTable.streamViewType },
  };
}
