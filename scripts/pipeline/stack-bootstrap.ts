import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { gateScenario } from '../../loadtest/lib/config';
import { readLoadConfig } from '../../loadtest/local/loadConfig';
import { armFlashSale, ensureLoadTestCatalog, ensureLoadTestUser, type Change } from '../../loadtest/setup/bootstrap';
import { requireFlag, run, stackFlag } from './cli';
import { readStackOutputs } from './stackOutputs';

/**
 * `npm run stack:bootstrap -- --stack <name> --outputs <pulumi stack output --json file>`, after `pulumi up`:
 * on a stack that carries a gate (loadtest/scenarios.json `gates`), the load-test user (LOADTEST_USERNAME,
 * LOADTEST_PASSWORD from the environment) and the gate's products. On any other stack (main) it does nothing.
 * `--flash-sale` also arms a flash sale (the flash-sale product at its starting stock) for a `flash-sale` run.
 * AWS credentials and endpoints come from the SDK's usual sources (AWS_ENDPOINT_URL_* locally).
 */
run(async () => {
  const argv = process.argv.slice(2);
  const stack = stackFlag(argv);
  const outputs = readStackOutputs(requireFlag(argv, 'outputs'));
  if (!gateScenario(readLoadConfig(), stack)) {
    console.log(`${stack}: no gate runs here, so no load-test user and no load-test products (nothing to do)`);
    return;
  }
  if (!outputs.loadTestClientId) throw new Error(`${stack} carries a gate but exports no loadTestClientId: set orders:identity.loadTestClient`);
  const username = process.env.LOADTEST_USERNAME;
  const password = process.env.LOADTEST_PASSWORD;
  if (!username || !password) throw new Error('set LOADTEST_USERNAME and LOADTEST_PASSWORD (the secrets the gate signs in with)');

  const cognito = new CognitoIdentityProviderClient({ region: outputs.region });
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: outputs.region }));
  try {
    const changes: Change[] = [
      await ensureLoadTestUser(cognito, { userPoolId: outputs.userPoolId, clientId: outputs.loadTestClientId }, { username, password }),
      ...(await ensureLoadTestCatalog(db, outputs.tableName)),
      ...(argv.includes('--flash-sale') ? [await armFlashSale(db, outputs.tableName)] : []),
    ];
    for (const c of changes) console.log(`${c.action.padEnd(9)} ${c.what}${c.detail ? ` (${c.detail})` : ''}`);
    const changed = changes.filter((c) => c.action !== 'unchanged').length;
    console.log(`${stack}: ${changed === 0 ? 'already bootstrapped, nothing changed' : `${changed} change(s)`}`);
  } finally {
    cognito.destroy();
    db.destroy();
  }
});
