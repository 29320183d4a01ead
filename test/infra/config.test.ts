import * as pulumi from '@pulumi/pulumi';
import { readConfig } from '../../infra/config';
import { releaseConfig } from '../../scripts/graph/programs';
import { filledIn } from './filledIn';
import { stackConfig } from './harness';

/**
 * infra/config.ts as `pulumi preview` and `pulumi up` meet it: the stack file's config (plus overrides), read
 * once at the program's start, with the release the pipeline sets. A refusal here stops the program before any
 * resource is planned.
 */
async function configure(stack: string, overrides: Record<string, unknown> = {}) {
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs },
    'orders',
    stack,
    false,
  );
  const config = { ...stackConfig(stack), ...releaseConfig(), ...overrides };
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])));
}

describe('placeholders in the committed stack files', () => {
  it.each(['stage', 'main'])('stop %s until the alarm address is filled in, naming the setting', async (stack) => {
    await configure(stack);
    expect(() => readConfig()).toThrow('config orders:alarmNotifications: emails[0] orders-oncall@example.com is a placeholder');
  });

  it.each(['stage', 'main'])('stop %s until the domain’s hostname and hosted zone are filled in', async (stack) => {
    const filled = filledIn(stack);
    const committed = stackConfig(stack)['orders:domain'] as { hostname: string; hostedZoneId: string };
    await configure(stack, { 'orders:alarmNotifications': filled['orders:alarmNotifications'] });
    expect(() => readConfig()).toThrow(`config orders:domain: hostname ${committed.hostname} is a placeholder`);
    const realHostname = (filled['orders:domain'] as { hostname: string }).hostname;
    await configure(stack, { 'orders:alarmNotifications': filled['orders:alarmNotifications'], 'orders:domain': { ...committed, hostname: realHostname } });
    expect(() => readConfig()).toThrow(/^config orders:domain: hostedZoneId Z0REPLACE\w* is a placeholder/);
  });

  it('refuses a placeholder HTTPS subscriber and an example certificate hostname too', async () => {
    await configure('stage', { ...filledIn('stage'), 'orders:alarmNotifications': { emails: [], httpsEndpoints: ['https://hooks.example.com/alarms'] } });
    expect(() => readConfig()).toThrow('config orders:alarmNotifications: httpsEndpoints[0] hooks.example.com is a placeholder');
    await configure('main', {
      ...filledIn('main'),
      'orders:domain': { hostname: 'orders.example.org', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' },
    });
    expect(() => readConfig()).toThrow('config orders:domain: hostname orders.example.org is a placeholder');
  });

  it.each(['stage', 'main'])('pass %s once filled in', async (stack) => {
    await configure(stack, filledIn(stack));
    const config = readConfig();
    expect(config.notify.emails).toEqual((filledIn(stack)['orders:alarmNotifications'] as { emails: string[] }).emails);
    expect(config.domain).toEqual(filledIn(stack)['orders:domain']);
  });

  it('leave development alone: no domain, and no alarm subscribers by design', async () => {
    await configure('development');
    expect(readConfig()).toMatchObject({ notify: { emails: [], httpsEndpoints: [] } });
    expect(readConfig().domain).toBeUndefined();
  });
});

describe('processor concurrency', () => {
  it('refuses a reservation below one shard’s lanes, which would throttle even a one-shard stream', async () => {
    await configure('main', { ...filledIn('main'), 'orders:processor': { memoryMb: 1024, reservedConcurrency: 2, parallelizationFactor: 4 } });
    expect(() => readConfig()).toThrow('config orders:processor: reservedConcurrency 2 is below parallelizationFactor 4');
    await configure('main', { ...filledIn('main'), 'orders:processor': { memoryMb: 1024, reservedConcurrency: 32, parallelizationFactor: 4 } });
    expect(readConfig().processor.reservedConcurrency).toBe(32);
  });
});

describe('orders:backup (AWS Backup of the table, docs/data-safety.md)', () => {
  const main = () => stackConfig('main')['orders:backup'] as Record<string, unknown>;
  const refusal = async (backup: Record<string, unknown>) => {
    await configure('main', { ...filledIn('main'), 'orders:backup': backup });
    try {
      readConfig();
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };

  it('reads main’s compliance lock and stage’s governance lock from the stack files; development has none', async () => {
    await configure('main', filledIn('main'));
    expect(readConfig().backup).toEqual({ schedule: 'cron(0 3 * * ? *)', retentionDays: 35, lock: 'compliance', changeableForDays: 7 });
    await configure('stage', filledIn('stage'));
    expect(readConfig().backup).toEqual({ schedule: 'cron(0 3 * * ? *)', retentionDays: 7, lock: 'governance' });
    await configure('development');
    expect(readConfig().backup).toBeUndefined();
  });

  it('refuses compliance without its grace time, a grace time under the 72 hours AWS enforces, and governance with one', async () => {
    const { changeableForDays: _, ...withoutGrace } = main();
    expect(await refusal(withoutGrace)).toBe(
      'config orders:backup: changeableForDays lock compliance needs changeableForDays (3 or more), and governance takes none',
    );
    expect(await refusal({ ...main(), changeableForDays: 2 })).toMatch(/^config orders:backup: changeableForDays Too small: expected number to be >=3/);
    expect(await refusal({ ...main(), lock: 'governance' })).toMatch(/governance takes none$/);
  });

  it('takes only a daily schedule and a backup vault’s ARN to copy to', async () => {
    expect(await refusal({ ...main(), schedule: 'cron(0 3 ? * MON *)' })).toMatch(/^config orders:backup: schedule must be a daily AWS Backup schedule/);
    expect(await refusal({ ...main(), schedule: 'rate(1 day)' })).toMatch(/schedule must be a daily AWS Backup schedule/);
    expect(await refusal({ ...main(), copyToVaultArn: 'arn:aws:s3:::a-bucket' })).toMatch(/^config orders:backup: copyToVaultArn must be a backup vault ARN/);
    const copy = 'arn:aws:backup:eu-central-1:210987654321:backup-vault:orders-main-copies';
    expect(await refusal({ ...main(), copyToVaultArn: copy })).toBeUndefined();
    expect(readConfig().backup?.copyToVaultArn).toBe(copy);
  });
});
