import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_PASSWORD } from '../../core/userpool';
import { ensureUserPool, signIn } from '../../local/cognito';
import { startCognitoLocal } from '../../local/cognitoLocal';
import { startDynamoDbLocal } from '../../local/dynamodb';
import { ensureLoadTestUser } from '../../loadtest/setup/bootstrap';
import { cost } from './cost';
import { flashSale, processing } from './drain';
import { endToEnd } from './endToEnd';
import { CONCURRENCY, ingest } from './ingest';
import { renderMarkdown, type BenchResults, type Phase } from './report';
import { scale } from './scale';
import { ROOT, RUNS, SECONDS, log, type Env } from './support';

/**
 * `npm run bench`: each figure is a ratio of two things measured in the same run on this machine (the service
 * vs the raw store), repeated RUNS times; the results file reports the median and every run.
 */
async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (process.argv.includes('--render')) {
    // Re-render RESULTS.md from the last results.json without measuring again.
    const saved = JSON.parse(readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8')) as BenchResults;
    writeFileSync(path.join(ROOT, 'bench/RESULTS.md'), renderMarkdown(saved));
    return;
  }
  const cognito = await startCognitoLocal();
  try {
    const pool = await ensureUserPool(cognito);
    const token = (await signIn(cognito.endpoint, pool.clientId, 'alice@example.com', DEMO_PASSWORD)).accessToken;
    const customer = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
    const loadTester = { username: 'bench-load@example.com', password: DEMO_PASSWORD };
    const loadTestPool = { userPoolId: pool.userPoolId, clientId: pool.clientIds.loadTest };
    const admin = cognito.client();
    await ensureLoadTestUser(admin, loadTestPool, loadTester).finally(() => admin.destroy());
    const loadTestToken = (await signIn(cognito.endpoint, loadTestPool.clientId, loadTester.username, loadTester.password)).accessToken;
    // BENCH_ONLY=processing,cost runs a subset while tuning; only a full run writes the results file.
    const only = process.env.BENCH_ONLY?.split(',');
    // Each figure gets a fresh DynamoDB Local: the JVM slows as earlier phases' items and streams pile up,
    // which would make later figures depend on the order they run in.
    const phase = async <T>(name: string, measure: (env: Env) => Promise<T>): Promise<T | undefined> => {
      if (only && !only.includes(name)) return undefined;
      const dynamo = await startDynamoDbLocal();
      try {
        return await measure({ dynamoEndpoint: dynamo.endpoint, cognitoEndpoint: cognito.endpoint, pool, token, customer, loadTestToken });
      } finally {
        await dynamo.stop();
      }
    };
    const results = {
      measuredAt: new Date().toISOString(),
      machine: { node: process.version, cpus: (await import('node:os')).cpus().length, runs: RUNS, seconds: SECONDS, concurrency: CONCURRENCY },
      ingest: await phase('ingest', ingest),
      processing: await phase('processing', processing),
      flashSale: await phase('flashSale', flashSale),
      endToEnd: await phase('endToEnd', endToEnd),
      scale: await phase('scale', scale),
      cost: await phase('cost', cost),
    };
    if (only && process.argv.includes('--merge')) {
      // A change that moves only some figures: measure those phases again and keep the rest of the last full run.
      const saved = JSON.parse(readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8')) as BenchResults;
      const merged: BenchResults = { ...saved, remeasured: { ...saved.remeasured } };
      for (const name of only as Phase[]) {
        if (!(name in results) || results[name] === undefined) throw new Error(`BENCH_ONLY: no phase ${name}`);
        Object.assign(merged, { [name]: results[name] });
        merged.remeasured![name] = results.measuredAt;
      }
      writeFileSync(path.join(ROOT, 'bench/results.json'), `${JSON.stringify(merged, null, 2)}\n`);
      writeFileSync(path.join(ROOT, 'bench/RESULTS.md'), renderMarkdown(merged));
      log(`merged ${only.join(', ')} into bench/results.json and bench/RESULTS.md`);
      return;
    }
    if (only) {
      log('BENCH_ONLY set: results file not written (add -- --merge to replace those phases in it)');
      return;
    }
    writeFileSync(path.join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(path.join(ROOT, 'bench/RESULTS.md'), renderMarkdown(results as BenchResults));
    log('wrote bench/results.json and bench/RESULTS.md');
  } finally {
    await cognito.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
