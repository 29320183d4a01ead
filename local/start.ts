import pino from 'pino';
import { DEMO_USERS } from '../core/userpool';
import { startApiTracing } from '../service/src/apiTracing';
import { portClaims, portsTakenMessage, takenPorts } from './ports';
import { localSettings } from './settings';
import { tracesFile, OtlpFileExporter } from './traces/file';

/** `npm start`: the whole pipeline on local stand-ins, until Ctrl-C. */
async function main() {
  // Node 20 works today; the SDK's notice about its 2027 support window would clutter every command's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const settings = localSettings(process.env, process.argv.slice(2));
  // Before anything starts: a taken port should be named, with who wanted it and how to choose another.
  const taken = await takenPorts(portClaims(settings));
  if (taken.length > 0) throw new Error(portsTakenMessage(taken, settings));
  // Spans of the API and the in-process processor go to an OTLP/JSON file that `npm run trace` reads. Tracing
  // (and its http instrumentation) starts before the stack's modules load `http`.
  const traces = tracesFile(settings);
  const tracing = startApiTracing(new OtlpFileExporter(traces, { fresh: !settings.dataDir }), { serviceName: 'orders-local', batchDelayMs: 200 });
  const { startLocalStack } = await import('./stack.js');
  const logger = pino({ level: settings.logLevel, base: { service: 'orders-local' } });
  console.log(`Starting DynamoDB Local (${settings.dataDir ? `data in ${settings.dataDir}` : 'in memory'}) and cognito-local…`);
  const stack = await startLocalStack(settings, logger);
  const url = stack.apiUrl;
  console.log(
    [
      '',
      `Orders API     ${url}/v1/health`,
      `Swagger UI     ${url}/order_docs`,
      `OpenAPI        ${url}/v1/openapi.json`,
      `DynamoDB Local ${stack.dynamo.endpoint}  (table ${stack.tableName})`,
      `Cognito local  ${stack.cognito.endpoint}  (pool ${stack.pool.userPoolId}, client ${stack.pool.clientId})`,
      `Processor      stream poller, ${stack.poller.parallelizationFactor} lane(s) per shard  (PARALLELIZATION_FACTOR)`,
      `Traces         ${traces}  (npm run trace -- <orderId>)`,
      '',
      ...(settings.seedDemoData
        ? [
            `Demo users: ${DEMO_USERS.map((u) => u.username).join(', ')} (admin signs in at the admins' pool). Get a token with:`,
            '  TOKEN=$(npm run --silent token -- alice)',
            `  curl -H "Authorization: Bearer $TOKEN" ${url}/v1/products`,
          ]
        : ['Empty: no demo users and no catalog, as a fresh `pulumi up` leaves a stack (see npm run stack:bootstrap).']),
      '',
      'Ctrl-C stops everything.',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the API and the stand-ins…`);
    await stack.stop();
    await tracing.shutdown().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
