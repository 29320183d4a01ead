import type { ResourceRecord } from '../../infra/policy/rules';
import { evaluate } from '../../infra/policy/rules';
import { filledIn } from './filledIn';
import { runStack, stackConfig, type StackRun } from './harness';

/** main with a domain and certificate configured (HTTPS on 443, HTTP redirected), and its backups copied to another account. */
let run: StackRun;
const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';
const copyToVaultArn = 'arn:aws:backup:eu-central-1:210987654321:backup-vault:orders-main-copies';
beforeAll(async () => {
  run = await runStack('main', {
    ...filledIn('main'),
    'orders:domain': { hostname: 'orders.northwind-shop.com', certificateArn },
    'orders:processor': { memoryMb: 1024, reservedConcurrency: 20, parallelizationFactor: 4 },
    'orders:backup': { ...(stackConfig('main')['orders:backup'] as object), copyToVaultArn },
  });
}, 60_000);

const listener = (port: number) => run.ofType('aws:lb/listener:Listener').find((l: ResourceRecord) => l.inputs.port === port)!.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('stack main with a certificate, reserved processor concurrency and a copy of its backups elsewhere', () => {
  it('copies every recovery point to the configured vault, kept as long as the original', () => {
    const rules = (run.one('aws:backup/plan:Plan').inputs as { rules: Array<Record<string, unknown>> }).rules;
    expect(rules.map((r) => r.copyActions)).toEqual([[{ destinationVaultArn: copyToVaultArn, lifecycle: { deleteAfter: 35 } }]]);
  });

  it('reserves the configured executions for the processor (0, the stack files’ default, reserves none)', () => {
    expect(run.one('aws:lambda/function:Function').inputs.reservedConcurrentExecutions).toBe(20);
  });

  it('serves HTTPS with a modern TLS policy and redirects HTTP', () => {
    expect(listener(443)).toMatchObject({ protocol: 'HTTPS', certificateArn, sslPolicy: expect.stringMatching(/TLS13/) });
    expect(listener(80).defaultActions).toEqual([{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }]);
    expect(run.outputs.apiUrl).toBe('https://orders.northwind-shop.com');
  });

  it('opens 443 on the load balancer only, and still passes every rule', () => {
    const open = run.ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule').filter((r) => r.inputs.cidrIpv4 === '0.0.0.0/0');
    expect(open.map((r) => r.inputs.fromPort).sort()).toEqual([443, 80]);
    expect(evaluate(run.resources, { stack: 'main' })).toEqual([]);
  });
});
