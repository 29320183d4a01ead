import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface CapacityTally {
  write: number;
  read: number;
}

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'TransactWriteItemsCommand', 'BatchWriteItemCommand']);

/**
 * Asks DynamoDB for ReturnConsumedCapacity on every call this client makes and adds it up (table and index
 * units), split into writes and reads by the command that consumed it.
 */
export function meterCapacity(db: DynamoDBDocumentClient): CapacityTally {
  const tally: CapacityTally = { write: 0, read: 0 };
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> }).ConsumedCapacity;
      const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      if (WRITES.has(context.commandName ?? '')) tally.write += units;
      else tally.read += units;
      return result;
    },
    { step: 'initialize', name: 'meterCapacity' },
  );
  return tally;
}

/**
 * Where `npm start` publishes its running tally, so a load run in another process (`npm run loadtest`) can
 * read what its orders consumed: the difference between the tally before and after.
 */
export const capacityFile = (apiPort: number) => path.join(os.tmpdir(), `orders-local-${apiPort}.capacity.json`);

/** Writes the tally to `file` as it changes, until the returned function stops it and removes the file. */
export function publishCapacity(tally: CapacityTally, file: string, everyMs = 500): () => void {
  let written = '';
  const write = () => {
    const now = JSON.stringify(tally);
    if (now === written) return; // an idle stack writes nothing
    // Written aside and renamed over: a reader in another process never sees a half-written file.
    writeFileSync(`${file}.tmp`, now);
    renameSync(`${file}.tmp`, file);
    written = now;
  };
  write();
  const timer = setInterval(write, everyMs);
  timer.unref();
  // A stopped stack has no running tally: its file goes with it (each stack's API port names one).
  return () => {
    clearInterval(timer);
    rmSync(file, { force: true });
  };
}

export function readCapacity(file: string): CapacityTally | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CapacityTally;
  } catch {
    return undefined;
  }
}
