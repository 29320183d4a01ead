import { readFileSync } from 'node:fs';
import { isStackName, STACKS, type StackName } from '../../infra/policy/stackConfig';

/** Flag parsing shared by the pipeline scripts: `--stack <name>`, `--outputs <file>`, … */
export function flag(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = argv[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}

export function requireFlag(argv: readonly string[], name: string): string {
  const value = flag(argv, name);
  if (value === undefined) throw new Error(`missing --${name}`);
  return value;
}

export function stackFlag(argv: readonly string[]): StackName {
  const stack = requireFlag(argv, 'stack');
  if (!isStackName(stack)) throw new Error(`--stack must be one of ${STACKS.join(', ')}, got '${stack}'`);
  return stack;
}

export const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** Runs a script's main, printing only the message of an expected failure and exiting non-zero. */
export function run(main: () => Promise<void>): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
