import { appendFileSync } from 'node:fs';
import { gateScenario } from '../../loadtest/lib/config';
import { readLoadConfig } from '../../loadtest/local/loadConfig';
import { requireFlag, run, stackFlag } from './cli';
import { readStackOutputs } from './stackOutputs';

/**
 * What the k6 gate job needs from the deploy, as step outputs (`$GITHUB_OUTPUT`, or stdout): the stack's
 * scenario from loadtest/scenarios.json `gates` (empty for a stack that gets no synthetic load, which skips the
 * gate) and the endpoints k6 reads from its environment. No secret passes through here.
 */
run(async () => {
  const argv = process.argv.slice(2);
  const stack = stackFlag(argv);
  const outputs = readStackOutputs(requireFlag(argv, 'outputs'));
  const scenario = gateScenario(readLoadConfig(), stack) ?? '';
  if (scenario && !outputs.loadTestClientId) throw new Error(`${stack} carries a gate but exports no loadTestClientId: set orders:identity.loadTestClient`);
  const values = { stack, scenario, apiUrl: outputs.apiUrl, loadTestClientId: scenario ? outputs.loadTestClientId! : '', region: outputs.region };
  const lines = Object.entries(values)
    .map(([k, v]) => `${k}=${v}\n`)
    .join('');
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, lines);
  else process.stdout.write(lines);
  console.error(
    values.scenario ? `${stack}: the gate runs scenario '${values.scenario}' against ${values.apiUrl}` : `${stack}: no gate (no synthetic load on this stack)`,
  );
});
