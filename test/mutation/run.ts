import { spawn } from 'node:child_process';
import path from 'node:path';
import { startStandIns } from '../support/standIns';

/**
 * `npm run test:mutation [-- <stryker options>]`: starts DynamoDB Local and cognito-local once, then Stryker
 * (stryker.config.mjs) with their addresses in its environment, so every mutant's tests reach the same stand-ins
 * instead of starting their own. The HTML report lands in reports/mutation/index.html.
 */
async function main(): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const standIns = await startStandIns();
  try {
    const root = path.resolve(__dirname, '../..');
    const stryker = spawn(path.join(root, 'node_modules/.bin/stryker'), ['run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
    return await new Promise<number>((resolve) => stryker.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } finally {
    await standIns.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
