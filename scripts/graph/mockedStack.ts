import { invokeResult, outputsFor } from './mockOutputs';
import { PROGRAMS, releaseConfig, stackConfig } from './programs';
import { REMOTE_CHILDREN } from './remoteComponents';
import type { GraphResource, RegisteredUrn, RunOptions, StackRun } from './stackRun';
import { UNKNOWN, containsUnknown, withSentinels } from './unknowns';

/** What runStack reads of Pulumi's mock monitor and its register requests (the SDK does not export their types). */
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

/** Stack config as `pulumi.runtime.setAllConfig` takes it: strings, objects as JSON. */
const asConfigStrings = (config: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));

/**
 * Runs the Pulumi program for one stack under Pulumi's mocks (no CLI, no cloud) and records every resource as the
 * engine would see it: type, name, URN, parent, dependencies and inputs. Call once per process or jest file: the
 * program registers its resources at import, and a fresh module registry gives it a fresh @pulumi/pulumi runtime.
 *
 * Two shapes, as the engine runs a program:
 *  - `update` (the default): every resource exists; the outputs AWS computes (ARNs, URLs, DNS names, awsx
 *    component outputs) are invented (mockOutputs.ts) as AWS would give them for this account.
 *  - `preview` of a first deploy: nothing exists yet, so every id and every computed output is unknown, and an
 *    input built from one is unknown too (recorded as the engine's wire sentinel, `UNKNOWN`). Code inside an
 *    `apply` over an unknown does not run, so a resource registered there is missing from the preview: the
 *    property that `pulumi up --plan` depends on is that both shapes register the same resources.
 */
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
      call: invokeResult,
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
