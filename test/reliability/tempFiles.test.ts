import { readdirSync } from 'node:fs';
import { freePort } from '../../local/process';
import { exited, spawnTs, waitFor } from '../support/processes';
import { scratchDir } from '../support/scratch';

/**
 * `npm start` without a data dir keeps its state in the temp dir: cognito-local's users and the running capacity
 * tally a load run reads. Stopped with Ctrl-C, it takes them with it and leaves only what it told the user it
 * keeps, the traces file (`npm run trace` reads it after the stack is gone). Run with a temp dir of its own.
 */
const tmp = scratchDir('orders-tmp');

// tsx keeps its compile cache there too: not the stack's to remove.
const ours = () => readdirSync(tmp).filter((name) => !name.startsWith('tsx-'));

it('leaves only its traces file in the temp dir once stopped', async () => {
  const [apiPort, dynamoPort, cognitoPort] = [await freePort(), await freePort(), await freePort()];
  const stack = spawnTs('local/start.ts', { TMPDIR: tmp, PORT: String(apiPort), DYNAMODB_PORT: String(dynamoPort), COGNITO_PORT: String(cognitoPort) });
  await waitFor(async () => stack.output().includes('Ctrl-C stops everything'), 90_000, 'npm start', stack);
  const running = ours();
  expect(running).toEqual(expect.arrayContaining([expect.stringMatching(/^cognito-local-/), `orders-local-${apiPort}.capacity.json`]));

  stack.kill('SIGINT');
  expect(await exited(stack)).toEqual({ code: 0, signal: null });
  expect(ours()).toEqual([`orders-local-${apiPort}.traces.jsonl`]);
}, 120_000);
