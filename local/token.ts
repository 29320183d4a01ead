import { DEMO_PASSWORD, DEMO_USERS } from '../core/userpool';
import { demoClientId, findUserPool, signIn } from './cognito';
import { localSettings } from './settings';

/** `npm run --silent token -- <user>`: prints one access token for a demo user of the running local stack. */
async function main() {
  // Node 20 works today; the SDK's notice about its 2027 support window would clutter every command's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const name = process.argv[2] ?? '';
  const user = DEMO_USERS.find((u) => u.username === name || u.email === name);
  if (!user) throw new Error(`usage: npm run --silent token -- <${DEMO_USERS.map((u) => u.username).join('|')}>`);
  const settings = localSettings();
  const endpoint = `http://127.0.0.1:${settings.cognitoPort}`;
  const pool = await findUserPool(endpoint).catch((err: Error) => {
    throw new Error(`no local Cognito at ${endpoint} (${err.message}); is \`npm start\` running with the same PORT?`);
  });
  if (!pool) throw new Error(`the local Cognito at ${endpoint} has no orders pool yet; is \`npm start\` still starting?`);
  const tokens = await signIn(endpoint, demoClientId(pool, user), user.email, DEMO_PASSWORD);
  process.stdout.write(`${tokens.accessToken}\n`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
