import { BatchGetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProductPage, ProductRepository } from '../catalog/ports';
import type { Product } from '../domain/product';
import { LIST_INDEX, catalogKey, productKey } from '../table';
import { itemToProduct, productToItem } from '../tableItems';

/** The catalog in the table: the repository the catalog use cases and order pricing read. */
export class ProductStore implements ProductRepository {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** The products with these SKUs (unknown SKUs are simply absent). */
  async getMany(skus: readonly string[]): Promise<Map<string, Product>> {
    const found = new Map<string, Product>();
    let keys: Record<string, unknown>[] = [...new Set(skus)].map(productKey);
    // BatchGet takes 100 keys at a time and may hand some back unprocessed under load.
    for (let attempt = 0; keys.length > 0; attempt++) {
      const batch = keys.slice(0, 100);
      const result = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: batch } } }));
      for (const item of result.Responses?.[this.tableName] ?? []) found.set(item.sku as string, itemToProduct(item));
      const unprocessed = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      keys = [...unprocessed, ...keys.slice(100)];
      if (unprocessed.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
    }
    return found;
  }

  async get(sku: string): Promise<Product | undefined> {
    return (await this.getMany([sku])).get(sku);
  }

  /**
   * One page of the catalog by SKU: a Query on the catalog's partition of the index, from just after `afterSku`.
   * It asks for one product more than the page holds, to know whether another page follows without handing out
   * a cursor to an empty one.
   */
  async listPage(limit: number, afterSku?: string): Promise<ProductPage> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: LIST_INDEX,
        KeyConditionExpression: 'GSI1PK = :catalog',
        ExpressionAttributeValues: { ':catalog': catalogKey('').GSI1PK },
        Limit: limit + 1,
        // The cursor carries only a SKU; the start key is rebuilt here, inside the catalog's partition.
        ExclusiveStartKey: afterSku === undefined ? undefined : { ...productKey(afterSku), ...catalogKey(afterSku) },
      }),
    );
    const products = (page.Items ?? []).map(itemToProduct);
    if (products.length <= limit) return { products };
    const shown = products.slice(0, limit);
    const last = shown[shown.length - 1];
    return last ? { products: shown, lastSku: last.sku } : { products: shown };
  }

  /** The whole catalog, by SKU, page after page: for tools and tests that check stock; no request reads it. */
  async list(): Promise<Product[]> {
    const products: Product[] = [];
    let after: string | undefined;
    do {
      const page = await this.listPage(100, after);
      products.push(...page.products);
      after = page.lastSku;
    } while (after !== undefined);
    return products;
  }

  /** Creates or replaces a product; returns true when it did not exist before. */
  async put(product: Product): Promise<boolean> {
    const result = await this.db.send(new PutCommand({ TableName: this.tableName, Item: productToItem(product), ReturnValues: 'ALL_OLD' }));
    return result.Attributes === undefined;
  }
}
