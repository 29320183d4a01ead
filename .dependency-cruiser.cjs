/**
 * The layering `npm run lint` enforces (CONTRIBUTING.md, "Where things go"): the domain below everything, core
 * below the runtimes, the runtimes apart from each other and from the local stand-ins, tests above all.
 */
const RUNTIMES = '^(service|processor|local|infra|scripts|loadtest|test)/';

module.exports = {
  forbidden: [
    {
      name: 'domain-imports-nothing-of-ours',
      comment: 'core/domain is plain rules and data: no storage, no tracing, no runtime',
      severity: 'error',
      from: { path: '^core/domain/' },
      to: { path: '^', pathNot: ['^core/domain/', 'node_modules'] },
    },
    {
      name: 'core-below-the-runtimes',
      comment: 'core is what every runtime shares; it imports none of them',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: RUNTIMES },
    },
    {
      name: 'deployed-code-never-imports-local-stand-ins',
      comment: 'service/ and processor/ run in AWS: local/, scripts/, infra/ and tests are not there',
      severity: 'error',
      from: { path: '^(service|processor)/' },
      to: { path: '^(local|scripts|infra|loadtest|test)/' },
    },
    {
      name: 'api-and-processor-apart',
      comment: 'they share core/, not each other',
      severity: 'error',
      from: { path: '^service/' },
      to: { path: '^processor/' },
    },
    {
      name: 'processor-and-api-apart',
      severity: 'error',
      from: { path: '^processor/' },
      to: { path: '^service/' },
    },
    {
      name: 'infra-deploys-not-runs',
      comment: 'the Pulumi program reads core/ definitions and builds bundles; it never imports a runtime',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^(service|processor|local|loadtest|test)/' },
    },
    {
      name: 'loadtest-lib-runs-in-k6-and-node',
      comment: 'k6 bundles loadtest/lib itself: no Node built-ins, nothing of ours outside it',
      severity: 'error',
      from: { path: '^loadtest/lib/' },
      to: { path: '^', pathNot: ['^loadtest/lib/'] },
    },
    {
      name: 'source-never-imports-tests',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
