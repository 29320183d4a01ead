import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { bundle, bundleDigest, PROCESSOR_BUNDLE_DIR, processorBundle } from '../bundles';
import type { ResourceRecord } from '../../infra/policy/rules';
import { UNKNOWN } from '../../infra/policy/unknowns';
import { REMOTE_CHILDREN } from './remoteComponents';

/** How the engine writes an unknown value on the wire; the policy rules read the same sentinel. */
export { UNKNOWN };

/**
 * Runs the Pulumi program for one stack under Pulumi's mocks (no CLI, no cloud) and records every resource as the
 * engine would see it: type, name, URN, parent, dependencies and inputs. Call once per process or jest file: the
 * program registers its resources at import, and a fresh module registry gives it a fresh @pulumi/pulumi runtime.
 *
 * Two shapes, as the engine runs a program:
 *  - `update` (the default): every resource exists; the outputs AWS computes (ARNs, URLs, DNS names, awsx
 *    component outputs) are invented below, as AWS would give them for this account.
 *  - `preview` of a first deploy: nothing exists yet, so every id and every computed output is unknown, and an
 *    input built from one is unknown too (recorded as the engine's wire sentinel, `UNKNOWN`). Code inside an
 *    `apply` over an unknown does not run, so a resource registered there is missing from the preview: the
 *    property that `pulumi up --plan` depends on is that both shapes register the same resources.
 */
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
const ROOT = path.resolve(__dirname, '../..');

export type RunMode = 'update' | 'preview';

/** A registered resource's URN and the URNs its `aliases` say it had before (a move that keeps its identity). */
export interface RegisteredUrn {
  urn: string;
  aliases: string[];
}

/** One registration as the engine sees it. */
export interface GraphResource extends ResourceRecord {
  urn: string;
  /** The parent's URN ('' for the stack's root). */
  parent: string;
  custom: boolean;
  dependencies: string[];
  /** For each input, the URNs of the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
}

export interface StackRun {
  stack: string;
  mode: RunMode;
  resources: GraphResource[];
  urns: RegisteredUrn[];
  outputs: Record<string, unknown>;
  config: Record<string, unknown>;
  ofType(type: string): GraphResource[];
  one(type: string, nameIncludes?: string): GraphResource;
}

/** The Pulumi programs of this repository: the order stacks, and the pipeline's identities (infra/ci). */
export const PROGRAMS = {
  orders: { project: 'orders', dir: '.', entry: '../../infra/index', release: true },
  'orders-ci': { project: 'orders-ci', dir: 'infra/ci', entry: '../../infra/ci/index', release: false },
} as const;
export type ProgramName = keyof typeof PROGRAMS;

/** The stack file's `config:` block, as Pulumi would hand it to the program. */
export function stackConfig(stack: string, program: ProgramName = 'orders'): Record<string, unknown> {
  const file = load(readFileSync(path.join(ROOT, PROGRAMS[program].dir, `Pulumi.${stack}.yaml`), 'utf8')) as { config: Record<string, unknown> };
  return file.config;
}

/** Outputs the mocks must invent for an update, as AWS would: ARNs, URLs, DNS names, awsx component outputs. */
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
      return {
        ...base,
        arn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${resourceName}`,
        repositoryUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${resourceName}`,
      };
    case 'aws:s3/bucket:Bucket': {
      const bucket = (inputs.bucket as string | undefined) ?? `${name}-bucket`;
      return { ...base, bucket, arn: `arn:aws:s3:::${bucket}` };
    }
    case 'aws:iam/openIdConnectProvider:OpenIdConnectProvider':
      return { ...base, arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, '')}` };
    case 'aws:kms/key:Key':
      return { ...base, arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${name}`, keyId: name };
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
  getCustom(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(f: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getAliasesList(): Array<{ getUrn(): string; getSpec(): AliasSpecMessage | undefined }>;
}
interface MockMonitor {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterRequest, callback: unknown): unknown;
}
interface Registration {
  urn: string;
  parent: string;
  custom: boolean;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
}

/** Replaces the SDK's in-memory unknowns with the engine's wire sentinel, so records serialise as the engine's. */
function withSentinels(value: unknown, isUnknown: (v: unknown) => boolean): unknown {
  if (isUnknown(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map((v) => withSentinels(v, isUnknown));
  // Plain data only: assets and archives keep their class (tests read their path).
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withSentinels(v, isUnknown)]));
  }
  return value;
}

/** Whether a recorded value holds an unknown anywhere. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}

/** The image every mocked stack runs: in the shared repository, pinned by a digest. */
export const RELEASED_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/orders-api@sha256:${'5e'.repeat(32)}`;

/**
 * The release config the pipeline sets (`orders:apiImage`, `orders:processorBundle`), for a run that was given
 * none: the image above and the bundle in dist/processor (built first if absent), by its content digest.
 */
export function releaseConfig(): Record<string, string> {
  if (!existsSync(PROCESSOR_BUNDLE_DIR)) bundle(processorBundle);
  return { 'orders:apiImage': RELEASED_IMAGE, 'orders:processorBundle': bundleDigest(PROCESSOR_BUNDLE_DIR) };
}

/** Stack config as `pulumi.runtime.setAllConfig` takes it: strings, objects as JSON. */
const asConfigStrings = (config: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));

export interface RunOptions {
  /** Config entries that replace the stack file's (`orders:…` keys). */
  overrides?: Record<string, unknown>;
  mode?: RunMode;
  /** Which program (default: the order stacks). */
  program?: ProgramName;
}

export async function runStack(stack: string, options: RunOptions = {}): Promise<StackRun> {
  const mode = options.mode ?? 'update';
  const preview = mode === 'preview';
  const program = PROGRAMS[options.program ?? 'orders'];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require('@pulumi/pulumi') as typeof import('@pulumi/pulumi');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isUnknown } = require('@pulumi/pulumi/output') as { isUnknown(v: unknown): boolean };
  const resources: GraphResource[] = [];
  const urns: RegisteredUrn[] = [];
  let registering: Registration | undefined;

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const registration = registering ?? { urn: '', parent: '', custom: args.custom ?? true, dependencies: [], propertyDependencies: {} };
        registering = undefined;
        const inputs = withSentinels(args.inputs, isUnknown) as Record<string, unknown>;
        // At a preview of a first deploy nothing exists: no id, and the outputs are the inputs (unknowns kept).
        const id = preview ? undefined : `${args.name}-id`;
        resources.push({ type: args.type, name: args.name, ...(id ? { id } : {}), inputs, ...registration });
        return { id, state: preview ? { ...args.inputs } : { ...args.inputs, ...outputsFor(args.type, args.name, args.inputs) } };
      },
      // Invokes the program makes, answered as AWS would for this account (known at preview too).
      call: (args) =>
        args.token === 'aws:index/getCallerIdentity:getCallerIdentity'
          ? { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ci`, userId: 'AIDEXAMPLE', id: ACCOUNT }
          : args.token === 'aws:elb/getServiceAccount:getServiceAccount'
            ? { arn: 'arn:aws:iam::156460612806:root', id: '156460612806' }
            : args.inputs,
    },
    program.project,
    stack,
    preview,
  );

  // Record what the engine would see of each registration: URN, parent, dependencies, and the URNs its alias
  // specs resolve to (an alias leaves out what stays the same, as the engine fills in).
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
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => (propertyDependencies[key] = deps.getUrnsList()));
    registering = { urn, parent: req.getParent(), custom: req.getCustom(), dependencies: req.getDependenciesList(), propertyDependencies };
    const result = register(req, callback);
    registerRemoteChildren(resources[resources.length - 1]);
    return result;
  };

  // A remote component's own children (REMOTE_CHILDREN): registered by its provider once their condition holds.
  function registerRemoteChildren(component: GraphResource | undefined) {
    if (!component) return;
    for (const remote of REMOTE_CHILDREN.filter((r) => r.component === component.type)) {
      if (remote.registeredWhen === 'all-inputs' && containsUnknown(component.inputs)) continue;
      // The engine qualifies a child's type with its parent's whole type chain.
      const [stackPart, project, parentType] = component.urn.split('::');
      const urn = [stackPart, project, `${parentType}$${remote.child}`, component.name].join('::');
      urns.push({ urn, aliases: [] });
      resources.push({
        type: remote.child,
        name: component.name,
        ...(preview ? {} : { id: `${component.name}-child-id` }),
        inputs: {},
        urn,
        parent: component.urn,
        custom: true,
        dependencies: [],
        propertyDependencies: {},
      });
    }
  }

  const config = { ...stackConfig(stack, options.program), ...(program.release ? releaseConfig() : {}), ...options.overrides };
  pulumi.runtime.setAllConfig(asConfigStrings(config));

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(program.entry) as Record<string, unknown>;
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(exported)) {
    if (!pulumi.Output.isInstance(value)) outputs[key] = value;
    else {
      const output = value as unknown as { isKnown: Promise<boolean>; promise(withUnknowns: boolean): Promise<unknown> };
      outputs[key] = (await output.isKnown) ? withSentinels(await output.promise(true), isUnknown) : UNKNOWN;
    }
  }
  // Registrations started by the program settle after its outputs; wait until the graph stops growing.
  for (let seen = -1; seen !== resources.length;) {
    seen = resources.length;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    stack,
    mode,
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

/**
 * The same run in a process of its own (scripts/graph/cli.ts), for callers that need more than one run. With
 * `GRAPH_CACHE_DIR` set (the test run sets a fresh one and fills it before any test starts), a graph already made
 * with the same stack, mode and overrides is read back instead of run again: one program run costs seconds of CPU,
 * which latency-sensitive tests on the other worker would otherwise pay.
 */
export async function runStackInProcess(stack: string, options: RunOptions = {}): Promise<Omit<StackRun, 'ofType' | 'one'>> {
  const mode = options.mode ?? 'update';
  const overrides = options.overrides ?? {};
  const cacheDir = process.env.GRAPH_CACHE_DIR;
  const cached =
    cacheDir &&
    path.join(
      cacheDir,
      `${createHash('sha256')
        .update(JSON.stringify([stack, mode, overrides, options.program ?? 'orders']))
        .digest('hex')}.json`,
    );
  if (cached && existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as Omit<StackRun, 'ofType' | 'one'>;
  const { execFile } = await import('node:child_process');
  const args = [
    '--import',
    'tsx',
    path.join(__dirname, 'cli.ts'),
    '--stack',
    stack,
    '--mode',
    mode,
    '--overrides',
    JSON.stringify(overrides),
    '--program',
    options.program ?? 'orders',
  ];
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (err, out, errOut) =>
      err ? reject(new Error(`graph of ${stack} (${mode}): ${errOut || err.message}`)) : resolve(out),
    ),
  );
  if (cached) {
    // Written aside and renamed: a reader in another worker never sees half a graph.
    writeFileSync(`${cached}.${process.pid}`, stdout);
    renameSync(`${cached}.${process.pid}`, cached);
  }
  return JSON.parse(stdout) as Omit<StackRun, 'ofType' | 'one'>;
}
