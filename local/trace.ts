import { existsSync } from 'node:fs';
import { SCOPE } from '../core/tracing/context';
import { localSettings } from './settings';
import { tracesFile } from './traces/file';
import { readSpans, renderWaterfall, spansOfOrder } from './traces/waterfall';

/** `npm run trace -- <orderId>`: the order's path through the local stack, as recorded by `npm start`. */
async function main() {
  const orderId = process.argv[2];
  if (!orderId) throw new Error('usage: npm run trace -- <orderId>');
  const file = tracesFile(localSettings(process.env, process.argv.slice(3)));
  if (!existsSync(file)) throw new Error(`no traces at ${file}: is npm start running (with the same PORT / DATA_DIR)?`);
  // Spans are written in batches every 200 ms; the processor's may still be on their way.
  let spans = spansOfOrder(readSpans(file), orderId);
  for (let waited = 0; waited < 3000 && !spans.some((s) => s.scope === SCOPE.processor); waited += 250) {
    await new Promise((r) => setTimeout(r, 250));
    spans = spansOfOrder(readSpans(file), orderId);
  }
  if (spans.length === 0) throw new Error(`no spans for order ${orderId} in ${file}`);
  console.log(renderWaterfall(spans));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
