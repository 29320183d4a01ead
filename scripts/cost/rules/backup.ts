import type { Bill } from '../bill';
import { ofType, type CostResource } from '../resources';

/** AWS Backup: every backup of a DynamoDB table is a full copy, so a vault holds about table size × retained days. */
export function priceBackup(resources: readonly CostResource[], bill: Bill): void {
  const backup = bill.table.prices.backupStorageGbMonth;
  if (ofType(resources, 'aws:backup/vault:Vault').length > 0) {
    const rate = `$${backup.usd.toFixed(2)}/GB-month${backup.confirmed ? '' : `, not confirmed for ${bill.table.region}`}`;
    bill.usage.add(`AWS Backup storage of the table’s daily full backups (${rate}: table GB × days kept), restores, and copies to another Region or account`);
  }
}
