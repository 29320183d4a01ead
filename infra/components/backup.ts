import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { BackupConfig } from '../config';
import { permissionsBoundary, trustPolicy } from './iam';
import { stackKey } from './keys';
import { retainedResourceOptions } from './protection';

export interface TableBackupArgs {
  stack: string;
  region: string;
  accountId: pulumi.Input<string>;
  tableArn: pulumi.Input<string>;
  config: BackupConfig;
  protect: boolean;
}

/**
 * The AWS managed policies AWS Backup asks a custom service role to carry to back up and restore DynamoDB tables with
 * its advanced features ("Advanced DynamoDB backup", "Custom policies and roles":
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/advanced-ddb-backup.html).
 */
export const BACKUP_MANAGED_POLICIES = {
  backup: 'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
  restores: 'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
} as const;

/**
 * AWS Backup of the order table (stage, main; docs/data-safety.md): a daily rule into a vault of the stack's own,
 * encrypted with a customer-managed key and locked, optionally copied to a vault of another account or Region, and
 * the service role AWS Backup runs the jobs with. Point-in-time recovery stays on the table beside it.
 *
 * With advanced DynamoDB backup (on by default for accounts that created no vault before November 2021, and switched
 * on by a plan's first job otherwise: "Advanced DynamoDB backup", Opting in), recovery points are AWS Backup's own
 * (arn:aws:backup:…), encrypted with the vault's key, deletable only through AWS Backup, and subject to the lock.
 */
export class TableBackup extends pulumi.ComponentResource {
  readonly vault: aws.backup.Vault;
  readonly key: aws.kms.Key;
  readonly role: aws.iam.Role;
  readonly plan: aws.backup.Plan;

  constructor(name: string, args: TableBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:backup:TableBackup', name, {}, opts);
    const parent = { parent: this };
    const { config } = args;
    // The vault, its key, its lock and the role that manages its recovery points' lifecycle outlive the stack: a
    // destroyed stack must leave its backups readable, and AWS Backup expires recovery points with the role that
    // created them ("Identity and access management in AWS Backup", Warning).
    const kept = retainedResourceOptions(args.protect, this);

    // The account administers the key and delegates its use through IAM: the service role's AWS managed policy lets
    // AWS Backup create the grants it encrypts with (kms:CreateGrant for AWS resources only).
    this.key = stackKey(
      `${name}-backup`,
      { description: `orders ${args.stack}: encrypts the recovery points in the backup vault`, accountId: args.accountId },
      kept,
    );
    this.vault = new aws.backup.Vault(name, { name: `orders-${args.stack}`, kmsKeyArn: this.key.arn, forceDestroy: false }, kept);

    // Vault Lock (https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html): no recovery point can be
    // deleted, nor its retention shortened, before minRetentionDays, which is the plan's retention (a job asking for a
    // retention outside the lock's range fails). changeableForDays makes it compliance mode: once the grace time ends,
    // the lock itself can no longer be changed or removed by anyone; without it (governance mode) a principal allowed
    // backup:DeleteBackupVaultLockConfiguration can remove it.
    new aws.backup.VaultLockConfiguration(
      name,
      {
        backupVaultName: this.vault.name,
        minRetentionDays: config.retentionDays,
        ...(config.lock === 'compliance' ? { changeableForDays: config.changeableForDays } : {}),
      },
      kept,
    );

    this.role = new aws.iam.Role(
      `${name}-backup`,
      { assumeRolePolicy: trustPolicy('backup.amazonaws.com', args), permissionsBoundary: permissionsBoundary(args) },
      kept,
    );
    const attachments = Object.entries(BACKUP_MANAGED_POLICIES).map(
      ([purpose, policyArn]) => new aws.iam.RolePolicyAttachment(`${name}-backup-${purpose}`, { role: this.role.name, policyArn }, kept),
    );

    const lifecycle = { deleteAfter: config.retentionDays };
    this.plan = new aws.backup.Plan(
      name,
      {
        name: `orders-${args.stack}-table`,
        rules: [
          {
            ruleName: 'daily',
            targetVaultName: this.vault.name,
            schedule: config.schedule, // UTC, AWS Backup's default time zone
            startWindow: 60,
            completionWindow: 360,
            lifecycle,
            // A copy in another account or Region survives this account's or Region's loss; the destination vault's
            // access policy must let this account copy into it (docs/data-safety.md, "Copies").
            ...(config.copyToVaultArn ? { copyActions: [{ destinationVaultArn: config.copyToVaultArn, lifecycle }] } : {}),
          },
        ],
      },
      parent,
    );
    new aws.backup.Selection(
      `${name}-table`,
      { name: `orders-${args.stack}-table`, planId: this.plan.id, iamRoleArn: this.role.arn, resources: [args.tableArn] },
      { parent: this, dependsOn: attachments },
    );
    this.registerOutputs({ vaultName: this.vault.name, roleArn: this.role.arn });
  }
}
