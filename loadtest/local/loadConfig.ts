import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadConfig } from '../lib/config';

/** loadtest/scenarios.json, the file the k6 script opens too. */
export const readLoadConfig = (): LoadConfig => JSON.parse(readFileSync(path.resolve(__dirname, '../scenarios.json'), 'utf8')) as LoadConfig;
