import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { AnalyzeResponse, AnalyzerInfo } from '@pulumi/pulumi/proto/analyzer_pb';
import Ajv from 'ajv';
import { rules } from '../../infra/policy/rules';
import { policyPackConfig, stackConfigSchema } from '../../infra/policy/stackConfig';
import { UNKNOWN } from '../../infra/policy/unknowns';
import { runStackInProcess } from '../../scripts/graph/runStackInProcess';
import type { GraphResource, RunMode, StackRun } from '../../scripts/graph/stackRun';
import { filledIn } from './filledIn';

/**
 * The policy pack as the Pulumi engine runs it, with no CLI: started through @pulumi/pulumi's own entry point the
 * way the Node.js language host starts it (sdk/nodejs/cmd/pulumi-language-nodejs, RunPlugin for an analyzer:
 * `node <run-policy-pack> <engine address> <pack folder>`, working directory the pack's folder), then spoken to as
 * the engine speaks to it (pkg/resource/plugin/analyzer_plugin.go): GetAnalyzerInfo, ConfigureStack, Configure with
 * the `--policy-pack-config` file `npm run policy:config` writes, and AnalyzeStack with every resource of the stack serialised
 * as the engine serialises them, at the preview of a first deploy (unknown ids and outputs as the unknown sentinel)
 * and at the update.
 */
const ROOT = path.resolve(__dirname, '../..');
const PACK = path.join(ROOT, 'infra/policy');
const RUN_POLICY_PACK = path.join(ROOT, 'node_modules/@pulumi/pulumi/cmd/run-policy-pack');
// run-policy-pack drops the engine address (cmd/run-policy-pack/index.js: `argv._.shift()`) and @pulumi/policy never
// dials the engine, so the address only has to be there: nothing listens on it.
const ENGINE_ADDRESS = '127.0.0.1:1';
const PROJECT = 'orders';
const STACKS = ['development', 'stage', 'main'] as const;
type Stack = (typeof STACKS)[number];
type Run = Omit<StackRun, 'ofType' | 'one'>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// The generated stubs are bound to the @grpc/grpc-js and google-protobuf they resolve (and check messages with
// `instanceof`): take the client, the messages and the credentials from those same copies.
const fromStubs = createRequire(require.resolve('@pulumi/pulumi/proto/analyzer_grpc_pb'));
const grpc = fromStubs('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
const pb = fromStubs('./analyzer_pb') as typeof import('@pulumi/pulumi/proto/analyzer_pb');
const { AnalyzerClient } = fromStubs('./analyzer_grpc_pb') as typeof import('@pulumi/pulumi/proto/analyzer_grpc_pb');
const { Empty } = fromStubs('google-protobuf/google/protobuf/empty_pb') as typeof import('google-protobuf/google/protobuf/empty_pb');
const { Struct } = fromStubs('google-protobuf/google/protobuf/struct_pb') as typeof import('google-protobuf/google/protobuf/struct_pb');
type AnalyzerClient = InstanceType<typeof AnalyzerClient>;

const LEVELS = Object.fromEntries(Object.entries(pb.EnforcementLevel).map(([name, value]) => [value, name])) as Record<number, string>;

/** Calls a unary RPC of the pack: `call<Response>((done) => client.method(request, done))`. */
const call = <Res>(invoke: (done: (err: Error | null, res: Res) => void) => unknown): Promise<Res> =>
  new Promise((resolve, reject) => invoke((err, res) => (err ? reject(err) : resolve(res))));

/** Resolves with the port the pack prints on stdout once its gRPC server listens; rejects if it exits first. */
function portOf(pack: ChildProcessByStdio<null, Readable, Readable>): Promise<number> {
  let stderr = '';
  pack.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: pack.stdout }).on('line', (line) => {
      if (/^\d+$/.test(line.trim())) resolve(Number(line.trim()));
    });
    pack.once('exit', (code) => reject(new Error(`the policy pack exited (${code}) before printing its port:\n${stderr}`)));
  });
}

const stackUrn = (stack: string) => `urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${stack}`;

/** The default provider the engine gives each package's resources (its URN names the package's version). */
function defaultProvider(stack: string, pkg: string, config: Record<string, unknown>) {
  const manifest = path.join(ROOT, 'node_modules/@pulumi', pkg, 'package.json');
  const version = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : undefined;
  const name = `default${version ? `_${version.replace(/[.-]/g, '_')}` : ''}`;
  const type = `pulumi:providers:${pkg}`;
  const inputs: Json = { ...(version ? { version } : {}), ...(pkg === 'aws' ? { region: config['aws:region'] } : {}) };
  return { urn: `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`, type, name, inputs };
}

/**
 * What the graph runner recorded, as the engine's AnalyzeStack request carries it (step_generator.go
 * AnalyzeResources: every registered resource, the stack and default providers included, with its outputs, parent,
 * dependencies and property dependencies). A custom resource's outputs hold its `id`, unknown at a preview. The
 * runner records a Lambda's archive without its path (a promise it does not resolve): no rule reads it, so it is
 * left out rather than invented.
 */
function analyzeStackRequest(run: Run, resources: readonly GraphResource[] = run.resources) {
  const aliases = new Map(run.urns.map((u) => [u.urn, u.aliases]));
  const providers = new Map<string, ReturnType<typeof defaultProvider>>();
  const providerOf = (r: GraphResource) => {
    const pkg = r.type.split(':')[0]!;
    if (pkg === PROJECT) return undefined; // the program's own components: no provider
    if (!providers.has(pkg)) providers.set(pkg, defaultProvider(run.stack, pkg, run.config));
    return providers.get(pkg);
  };
  const message = (urn: string, type: string, name: string, properties: Json, r?: GraphResource) => {
    const resource = new pb.AnalyzerResource().setUrn(urn).setType(type).setName(name).setProperties(Struct.fromJavaScript(properties));
    const parent = r ? r.parent || stackUrn(run.stack) : '';
    const options = new pb.AnalyzerResourceOptions()
      .setParent(parent)
      .setProtect(false)
      .setAliasesList(aliases.get(urn) ?? [])
      .setCustomtimeouts(new pb.AnalyzerResourceOptions.CustomTimeouts());
    resource
      .setOptions(options)
      .setParent(parent)
      .setDependenciesList(r?.dependencies ?? []);
    for (const [key, urns] of Object.entries(r?.propertyDependencies ?? {})) {
      if (urns.length > 0) resource.getPropertydependenciesMap().set(key, new pb.AnalyzerPropertyDependencies().setUrnsList(urns));
    }
    const provider = r && providerOf(r);
    if (provider) {
      resource.setProvider(
        new pb.AnalyzerProviderResource()
          .setUrn(provider.urn)
          .setType(provider.type)
          .setName(provider.name)
          .setProperties(Struct.fromJavaScript(provider.inputs)),
      );
    }
    return resource;
  };
  const list = resources.map((r) => {
    const outputs: Json = Object.fromEntries(Object.entries(r.inputs).filter(([, v]) => !(v && typeof v === 'object' && '__pulumiArchive' in v)));
    return message(r.urn, r.type, r.name, r.custom ? { ...outputs, id: r.id ?? UNKNOWN } : outputs, r);
  });
  list.push(message(stackUrn(run.stack), 'pulumi:pulumi:Stack', `${PROJECT}-${run.stack}`, run.outputs));
  for (const p of providers.values()) list.push(message(p.urn, p.type, p.name, p.inputs));
  return new pb.AnalyzeStackRequest().setResourcesList(list);
}

interface Diagnostic {
  policy: string;
  level: string;
  message: string;
  urn: string;
}

let pack: ChildProcessByStdio<null, Readable, Readable>;
let client: AnalyzerClient;
const graphs = new Map<string, Run>();
const graph = (stack: Stack, mode: RunMode) => graphs.get(`${stack} ${mode}`)!;

beforeAll(async () => {
  pack = spawn(process.execPath, [RUN_POLICY_PACK, ENGINE_ADDRESS, PACK], {
    cwd: PACK,
    // What the language host adds for a policy pack of stack main: the pack must take the stack from its config only.
    env: { ...process.env, PULUMI_NODEJS_PROJECT: PROJECT, PULUMI_NODEJS_STACK: 'main', PULUMI_NODEJS_DRY_RUN: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = portOf(pack);
  // One process per graph run (the program registers at import; Pulumi's runtime state is process-wide).
  // One after another: six programs at once would starve the other jest worker on a small machine.
  for (const stack of STACKS) {
    for (const mode of ['preview', 'update'] as const) graphs.set(`${stack} ${mode}`, await runStackInProcess(stack, { mode, overrides: filledIn(stack) }));
  }
  const port = await started;
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 120_000);

afterAll(async () => {
  client?.close();
  if (pack && pack.exitCode === null && pack.signalCode === null) {
    const exited = once(pack, 'exit');
    pack.kill();
    await exited;
  }
});

const ajv = new Ajv({ allErrors: true });

/**
 * What the CLI checks before it lets a pack analyse (pkg/resource/analyzer/config.go validatePolicyPackConfig): each
 * policy's config from the file against the policy's schema as an object schema; any error stops the run.
 */
function configErrors(info: AnalyzerInfo, file: Record<string, unknown>): string[] {
  return info.getPoliciesList().flatMap((policy) => {
    const schema = policy.getConfigschema();
    if (!schema) return [];
    const validate = ajv.compile({ type: 'object', properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() });
    return validate(file[policy.getName()] ?? {}) ? [] : (validate.errors ?? []).map((e) => `${policy.getName()}: ${e.message}`);
  });
}

/** As the engine does before analysing: ConfigureStack, then Configure with each policy's defaults overlaid by the file. */
async function configure(stack: Stack, mode: RunMode) {
  const stackRequest = new pb.AnalyzerStackConfigureRequest()
    .setStack(stack)
    .setProject(PROJECT)
    .setDryRun(mode === 'preview');
  await call((done) => client.configureStack(stackRequest, done));
  const info = await call<AnalyzerInfo>((done) => client.getAnalyzerInfo(new Empty(), done));
  // The `--policy-pack-config` file `npm run policy:config -- --stack <stack>` writes (stackChecks.ts shows the
  // pipeline's plan job passes exactly that file).
  const file: Record<string, unknown> = policyPackConfig(
    rules.map((r) => r.id),
    stack,
  );
  expect(configErrors(info, file)).toEqual([]);
  const request = new pb.ConfigureAnalyzerRequest();
  for (const policy of info.getPoliciesList()) {
    const properties = (file[policy.getName()] as Json | undefined) ?? {};
    request
      .getPolicyconfigMap()
      .set(policy.getName(), new pb.PolicyConfig().setEnforcementlevel(policy.getEnforcementlevel()).setProperties(Struct.fromJavaScript(properties)));
  }
  await call((done) => client.configure(request, done));
}

async function analyzeStack(run: Run, resources?: readonly GraphResource[]): Promise<Diagnostic[]> {
  const request = analyzeStackRequest(run, resources);
  const response = await call<AnalyzeResponse>((done) => client.analyzeStack(request, done));
  expect(response.getNotApplicableList()).toEqual([]);
  return response
    .getDiagnosticsList()
    .map((d) => ({ policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()]!, message: d.getMessage(), urn: d.getUrn() }));
}

/** A copy of `run`'s resources with the one of `type` named *nameIncludes* changed by `change`. */
function withChange(run: Run, type: string, nameIncludes: string, change: (r: GraphResource & { inputs: Json }) => void) {
  const resources = JSON.parse(JSON.stringify(run.resources)) as GraphResource[];
  const found = resources.filter((r) => r.type === type && r.name.includes(nameIncludes));
  if (found.length !== 1) throw new Error(`expected one ${type} named *${nameIncludes}*, found ${found.length}`);
  change(found[0] as GraphResource & { inputs: Json });
  return { resources, urn: found[0]!.urn };
}

describe('the policy pack, started as the engine starts it', () => {
  // First, before anything configures it: what a pack run without --policy-pack-config does.
  it('fails closed without policy config: every rule reports, mandatory, that it was not told the stack', async () => {
    // The CLI itself refuses to run it so (every policy's schema requires the stack); the pack is the second guard.
    const info = await call<AnalyzerInfo>((done) => client.getAnalyzerInfo(new Empty(), done));
    expect(configErrors(info, {})).toEqual(rules.map((r) => `${r.id}: must have required property 'stack'`));
    const diagnostics = await analyzeStack(graph('development', 'update'));
    expect(diagnostics.map((d) => d.policy).sort()).toEqual(rules.map((r) => r.id).sort());
    for (const d of diagnostics) {
      expect(d.level).toBe('MANDATORY');
      expect(d.message).toMatch(/no stack in the policy config \(got undefined\): pass --policy-pack-config/);
    }
  });

  it('lists every rule as a mandatory stack policy taking the stack as config, with the version of its package.json', async () => {
    const info = await call<AnalyzerInfo>((done) => client.getAnalyzerInfo(new Empty(), done));
    expect(info.getName()).toBe('orders-guard');
    expect(info.getVersion()).toBe((JSON.parse(readFileSync(path.join(PACK, 'package.json'), 'utf8')) as { version: string }).version);
    expect(info.getSupportsconfig()).toBe(true);
    const policies = info.getPoliciesList();
    expect(policies.map((p) => p.getName())).toEqual(rules.map((r) => r.id));
    for (const [i, policy] of policies.entries()) {
      expect(policy.getDescription()).toBe(rules[i]!.description);
      expect(LEVELS[policy.getEnforcementlevel()]).toBe('MANDATORY');
      expect(policy.getPolicyType()).toBe(pb.PolicyType.POLICY_TYPE_STACK);
      expect(policy.getConfigschema()?.getProperties()?.toJavaScript()).toEqual(stackConfigSchema.properties);
      expect(policy.getConfigschema()?.getRequiredList()).toEqual(['stack']);
    }
  });

  describe.each(STACKS)('%s, configured with its `npm run policy:config` file', (stack) => {
    it('passes the preview of its first deploy: no diagnostic, none of them "can\'t run policy during preview"', async () => {
      const run = graph(stack, 'preview');
      // It is a first deploy's preview: no id is known yet, and references between resources are unknown.
      expect(run.resources.filter((r) => r.custom && r.id !== undefined)).toEqual([]);
      const ingress = run.resources.filter((r) => r.type === 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule');
      expect(ingress.length).toBeGreaterThan(0);
      expect(ingress.map((r) => r.inputs.securityGroupId)).toEqual(ingress.map(() => UNKNOWN));
      await configure(stack, 'preview');
      expect(await analyzeStack(run)).toEqual([]);
    });

    it('passes the update', async () => {
      await configure(stack, 'update');
      expect(await analyzeStack(graph(stack, 'update'))).toEqual([]);
    });
  });

  describe('a broken graph fails the preview of main’s first deploy with the rule, mandatory, on the resource', () => {
    const SG_INGRESS = 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule';
    const cases: Array<[string, string, string, string, (r: GraphResource & { inputs: Json }) => void, string]> = [
      [
        'a table without encryption',
        'aws:dynamodb/table:Table',
        '',
        'encrypted-data',
        (r) => (r.inputs.serverSideEncryption = { enabled: false }),
        'serverSideEncryption must be enabled',
      ],
      [
        'SSH open to the internet on the load balancer’s group',
        SG_INGRESS,
        'alb-80-ipv4',
        'no-open-security-group',
        (r) => Object.assign(r.inputs, { fromPort: 22, toPort: 22 }),
        'open to the internet on tcp 22-22',
      ],
      [
        'the tasks opened to the internet',
        SG_INGRESS,
        'task-from-alb',
        'no-open-security-group',
        (r) => {
          delete r.inputs.referencedSecurityGroupId;
          r.inputs.cidrIpv4 = '0.0.0.0/0';
        },
        'open to the internet on tcp 5000-5000',
      ],
      [
        'HTTPS open on a group the rule cannot find (its id unknown and computed from no group of the stack)',
        SG_INGRESS,
        'alb-443-ipv4',
        'no-open-security-group',
        (r) => (r.propertyDependencies.securityGroupId = []),
        'open to the internet on tcp 443-443',
      ],
      [
        'an ECS service with a public IP on main',
        'aws:ecs/service:Service',
        '',
        'no-public-task-ip',
        (r) => (r.inputs.networkConfiguration.assignPublicIp = true),
        'assignPublicIp must be false',
      ],
      [
        'container definitions (unknown at preview) computed from no log group',
        'aws:ecs/taskDefinition:TaskDefinition',
        '',
        'log-retention',
        (r) => (r.propertyDependencies.containerDefinitions = r.propertyDependencies.containerDefinitions!.filter((u) => !u.includes('logGroup:LogGroup'))),
        'container definitions (unknown at preview) are computed from no log group of the stack',
      ],
      [
        'a table whose key ARN (unknown at preview) is computed from no key of the stack',
        'aws:dynamodb/table:Table',
        '',
        'table-customer-managed-key',
        (r) => (r.propertyDependencies.serverSideEncryption = []),
        'its key is not one the stack declares',
      ],
      [
        'main’s backup vault locked in governance mode',
        'aws:backup/vaultLockConfiguration:VaultLockConfiguration',
        '',
        'table-backup',
        (r) => delete r.inputs.changeableForDays,
        'must be locked in compliance mode on main (changeableForDays set)',
      ],
      [
        'the audit-log bucket emptied and deleted with the stack',
        'aws:s3/bucket:Bucket',
        '',
        'log-buckets-versioned',
        (r) => (r.inputs.forceDestroy = true),
        'forceDestroy would delete every log with the bucket',
      ],
      [
        'the processor’s role trusting Lambda on behalf of any account',
        'aws:iam/role:Role',
        '-processor',
        'service-role-trust',
        (r) =>
          (r.inputs.assumeRolePolicy = JSON.stringify({
            ...JSON.parse(r.inputs.assumeRolePolicy),
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          })),
        'the trust of lambda.amazonaws.com must carry aws:SourceAccount',
      ],
      [
        'the task role without the stack’s permissions boundary',
        'aws:iam/role:Role',
        '-task',
        'stack-roles-bounded',
        (r) => delete r.inputs.permissionsBoundary,
        'must carry the permissions boundary orders-ci-main-boundary',
      ],
      [
        'the DynamoDB endpoint with AWS’s default policy (any principal, any table)',
        'awsx:ec2:Vpc',
        '',
        'dynamodb-endpoint-policy',
        (r) => delete r.inputs.vpcEndpointSpecs[0].policy,
        'the DynamoDB endpoint has no policy',
      ],
    ];

    beforeAll(() => configure('main', 'preview'));

    it.each(cases)('%s', async (_, type, nameIncludes, policy, change, says) => {
      const { resources, urn } = withChange(graph('main', 'preview'), type, nameIncludes, change);
      expect(await analyzeStack(graph('main', 'preview'), resources)).toEqual([{ policy, level: 'MANDATORY', urn, message: expect.stringContaining(says) }]);
    });
  });

  it('fails the update of main the same way', async () => {
    await configure('main', 'update');
    const run = graph('main', 'update');
    const { resources, urn } = withChange(run, 'aws:dynamodb/table:Table', '', (r) => (r.inputs.serverSideEncryption = { enabled: false }));
    expect(await analyzeStack(run, resources)).toEqual([
      { policy: 'encrypted-data', level: 'MANDATORY', urn, message: expect.stringContaining('serverSideEncryption must be enabled') },
    ]);
  });
});
