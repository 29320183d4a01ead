import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { requireFlag, run, stackFlag } from './cli';
import { smoke } from './smoke';
import { smokeSignIn } from './smokeUser';
import { readStackOutputs } from './stackOutputs';

/** `npm run stack:smoke -- --stack <name> --outputs <file>`: the read-only post-deploy checks (scripts/pipeline/smoke.ts). */
run(async () => {
  const argv = process.argv.slice(2);
  const stack = stackFlag(argv);
  const outputs = readStackOutputs(requireFlag(argv, 'outputs'));
  const cognito = new CognitoIdentityProviderClient({ region: outputs.region });
  let token: string;
  try {
    token = await smokeSignIn(cognito, { userPoolId: outputs.userPoolId, smokeClientId: outputs.smokeClientId });
  } finally {
    cognito.destroy();
  }
  const results = await smoke(outputs.apiUrl, { token, healthWaitMs: Number(process.env.SMOKE_HEALTH_WAIT_MS ?? 120_000) });
  for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.check} (${r.detail})`);
  const failed = results.filter((r) => !r.ok).length;
  if (failed > 0) throw new Error(`${stack}: ${failed} smoke check(s) failed at ${outputs.apiUrl}`);
  console.log(`${stack}: smoke passed at ${outputs.apiUrl}`);
});
