/**
 * The layering `npm run lint` enforces (CONTRIBUTING.md, "Where things go"): the domain below everything, core
 * below the runtimes, the runtimes apart from each other and from the local stand-ins, tests above all.
 */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

module.exports = {
  forbidden: [
    forbid(
      'domain-imports-nothing-of-ours',
      'core/domain is plain rules and data: no storage, no tracing, no runtime',
      { path: '^core/domain/' },
      { path: '^', pathNot: ['^core/domain/', 'node_modules'] },
    ),
    forbid(
      'core-below-the-runtimes',
      'core is what every runtime shares; it imports none of them',
      { path: '^core/' },
      { path: '^(service|processor|local|infra|scripts|loadtest|test)/' },
    ),
    forbid(
      'deployed-code-never-imports-stand-ins',
      'service/ and processor/ run in AWS, where local/, scripts/, infra/ and tests are not',
      { path: '^(service|processor)/' },
      { path: '^(local|scripts|infra|loadtest|test)/' },
    ),
    forbid(
      'use-cases-never-import-the-store',
      'core/orders and core/catalog hold the workflows and their ports in the domain’s terms; the store implements the ports, not the other way round',
      { path: '^core/(orders|catalog)/' },
      { path: '^core/store/' },
    ),
    forbid(
      'runtimes-reach-the-store-through-their-wiring',
      'handlers and routes call use cases; only the wiring (processor.ts and index.ts, app.ts and main.ts) builds the store adapters',
      { path: '^(processor/src|service/src)/', pathNot: '^(processor/src/(processor|index)|service/src/(app|main))\\.ts$' },
      { path: '^core/store/' },
    ),
    forbid('api-and-processor-apart', 'they share core/, not each other', { path: '^service/' }, { path: '^processor/' }),
    forbid('processor-and-api-apart', 'they share core/, not each other', { path: '^processor/' }, { path: '^service/' }),
    forbid(
      'infra-deploys-not-runs',
      'the Pulumi program reads core/ definitions and builds bundles; it imports no runtime',
      { path: '^infra/' },
      { path: '^(service|processor|local|loadtest|test)/' },
    ),
    forbid(
      'infra-never-imports-scripts',
      'scripts/ drive the Pulumi program (build, release, deploy), not the other way round: what both need, such as the bundle definitions, lives in build/',
      { path: '^infra/' },
      { path: '^scripts/' },
    ),
    forbid(
      'loadtest-never-imports-scripts',
      'the pipeline scripts run the load test, not the other way round: what both need, such as the stack bootstrap, lives in loadtest/',
      { path: '^loadtest/' },
      { path: '^scripts/' },
    ),
    forbid(
      'build-imports-nothing-of-ours',
      'build/ names the deployables by their entry files; infra/ and scripts/ import it, so it imports none of our code',
      { path: '^build/' },
      { path: '^(core|service|processor|local|infra|scripts|loadtest|test)/' },
    ),
    forbid(
      'loadtest-lib-runs-in-k6-and-node',
      'k6 bundles loadtest/lib itself: nothing outside it, no Node built-ins',
      { path: '^loadtest/lib/' },
      { path: '^', pathNot: ['^loadtest/lib/'] },
    ),
    forbid('source-never-imports-tests', 'tests sit above everything', { pathNot: '^test/' }, { path: '^test/' }),
    forbid('no-circular', 'a cycle means two modules are one concern, or a type belongs lower', {}, { circular: true }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
