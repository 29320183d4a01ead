import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import type { ResourceRecord } from '../../infra/policy/rules';

/**
 * Runs the Pulumi program for one stack under Pulumi's mocks (no CLI, no cloud) and records every resource
 * with its inputs. Call once per test file: the program registers resources at import, and jest gives each
 * file its own module registry (so its own @pulumi/pulumi runtime).
 */
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
const ROOT = path.resolve(__dirname, '../..');

/** A registered resource's URN and the URNs its `aliases` say it had before (a move that keeps its identity). */
export interface RegisteredUrn {
  urn: string;
  aliases: string[];
}

export interface StackRun {
  stack: string;
  resources: ResourceRecord[];
  urns: RegisteredUrn[];
  outputs: Record<string, unknown>;
  config: Record<string, unknown>;
  ofType(type: string): ResourceRecord[];
  one(type: string, nameIncludes?: string): ResourceRecord;
}

/** The stack file's `config:` block, as Pulumi would hand it to the program. */
export function stackConfig(stack: string): Record<string, unknown> {
  const file = load(readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), 'utf8')) as { config: Record<string, unknown> };
  return file.config;
}

/** Outputs the mocks must invent, as AWS would: ARNs, URLs, DNS names, awsx component outputs. */
function outputsFor(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const resourceName = (inputs.name as string | undefined) ?? name;
  const service = type.split(':')[1]?.split('/')[0] ?? 'x';
  const base = { arn: `arn:aws:${service}:${REGION}:${ACCOUNT}:${service}/${resourceName}`, name: resourceName };
  switch (type) {
    case 'aws:dynamodb/table:Table':
      return {
        ...base,
        arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${resourceName}`,
        streamArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${resourceName}/stream/2026-11-25T00:00:00.000`,
      };
    case 'aws:lb/loadBalancer:LoadBalancer':
      return { ...base, dnsName: `${resourceName}-123.${REGION}.elb.amazonaws.com`, arnSuffix: `app/${resourceName}/abc123`, zoneId: 'Z32O12XQLNTSW2' };
    case 'aws:acm/certificate:Certificate':
      return {
        ...base,
        arn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${name}`,
        domainValidationOptions: [
          {
            domainName: inputs.domainName,
            resourceRecordName: `_abc.${String(inputs.domainName)}.`,
            resourceRecordType: 'CNAME',
            resourceRecordValue: '_xyz.acm-validations.aws.',
          },
        ],
      };
    case 'aws:acm/certificateValidation:CertificateValidation':
      return { ...base, certificateArn: inputs.certificateArn };
    case 'aws:route53/record:Record':
      return { ...base, fqdn: String(inputs.name).replace(/\.$/, '') };
    case 'aws:lb/targetGroup:TargetGroup':
      return { ...base, arnSuffix: `targetgroup/${resourceName}/def456` };
    case 'aws:sqs/queue:Queue':
      return { ...base, arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${resourceName}`, url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${resourceName}` };
    case 'aws:ecr/repository:Repository':
      return { ...base, repositoryUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${resourceName}` };
    case 'aws:s3/bucket:Bucket':
      return { ...base, bucket: `${name}-bucket`, arn: `arn:aws:s3:::${name}-bucket` };
    case 'aws:kms/key:Key':
      return { ...base, arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${name}` };
    case 'aws:cloudwatch/logGroup:LogGroup':
      return { ...base, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${resourceName}` };
    case 'aws:lambda/function:Function':
      return { ...base, arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${resourceName}` };
    case 'aws:iam/role:Role':
      return { ...base, arn: `arn:aws:iam::${ACCOUNT}:role/${resourceName}` };
    case 'awsx:ec2:Vpc':
      return { vpcId: 'vpc-123', publicSubnetIds: ['subnet-public-a', 'subnet-public-b'], privateSubnetIds: ['subnet-private-a', 'subnet-private-b'] };
    case 'awsx:ecr:Image':
      return { imageUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/orders@sha256:abc` };
    case 'aws:cloudwatch/dashboard:Dashboard':
      return { dashboardName: inputs.dashboardName };
    default:
      return base;
  }
}

interface AliasSpecMessage {
  getName(): string;
  getType(): string;
  getParenturn(): string;
  getNoparent(): boolean;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getAliasesList(): Array<{ getUrn(): string; getSpec(): AliasSpecMessage | undefined }>;
}
interface MockMonitor {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterRequest, callback: unknown): unknown;
}

/**
 * Wraps the mock monitor to record what the engine would see of each registration: its URN, and the URNs its
 * alias specs resolve to (an alias leaves out what stays the same, as the engine fills in).
 */
function recordUrns(pulumi: typeof import('@pulumi/pulumi')): RegisteredUrn[] {
  const urns: RegisteredUrn[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
    const aliases = req.getAliasesList().map((alias) => {
      const spec = alias.getSpec();
      if (!spec) return alias.getUrn();
      return monitor.newUrn(spec.getNoparent() ? '' : spec.getParenturn() || req.getParent(), spec.getType() || req.getType(), spec.getName() || req.getName());
    });
    urns.push({ urn, aliases });
    return register(req, callback);
  };
  return urns;
}

export async function runStack(stack: string, overrides: Record<string, unknown> = {}): Promise<StackRun> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require('@pulumi/pulumi') as typeof import('@pulumi/pulumi');
  const resources: ResourceRecord[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const id = `${args.name}-id`;
        resources.push({ type: args.type, name: args.name, id, inputs: args.inputs });
        return { id, state: { ...args.inputs, ...outputsFor(args.type, args.name, args.inputs) } };
      },
      // Invokes the program makes, answered as AWS would for this account; anything else echoes its inputs.
      call: (args) =>
        args.token === 'aws:index/getCallerIdentity:getCallerIdentity'
          ? { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ci`, userId: 'AIDEXAMPLE', id: ACCOUNT }
          : args.token === 'aws:elb/getServiceAccount:getServiceAccount'
            ? { arn: 'arn:aws:iam::156460612806:root', id: '156460612806' }
            : args.inputs,
    },
    'orders',
    stack,
    false,
  );
  const urns = recordUrns(pulumi);
  const config = { ...stackConfig(stack), ...overrides };
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])));

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require('../../infra/index') as Record<string, unknown>;
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    outputs[key] = pulumi.Output.isInstance(value) ? await new Promise((resolve) => (value as { apply(f: (v: unknown) => void): void }).apply(resolve)) : value;
  }
  // Registrations started by the program settle after its outputs; wait until the graph stops growing.
  for (let seen = -1; seen !== resources.length;) {
    seen = resources.length;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    stack,
    resources,
    urns,
    outputs,
    config,
    ofType: (type) => resources.filter((r) => r.type === type),
    one(type, nameIncludes) {
      const found = resources.filter((r) => r.type === type && (!nameIncludes || r.name.includes(nameIncludes)));
      if (found.length !== 1) throw new Error(`expected one ${type}${nameIncludes ? ` named *${nameIncludes}*` : ''}, found ${found.length}`);
      return found[0]!;
    },
  };
}
