import { flag, run, stackFlag } from '../pipeline/cli';
import { localDeadLetters } from './local';
import { stackDeadLetters } from './stack';

const USAGE = 'usage: npm run dlq -- list | redrive [id ...] [--stack <name> [--outputs <file>]]';

/**
 * `npm run dlq -- list|redrive`: failed batches of the stack `npm start` runs, or with `--stack <name>` of a
 * deployed stack (its outputs from `pulumi stack output --json`, or `--outputs <file>`).
 */
run(async () => {
  const argv = process.argv.slice(2);
  const [command] = argv;
  if (command !== 'list' && command !== 'redrive') throw new Error(USAGE);
  const ids: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    if (argv[i]!.startsWith('--')) i++;
    else ids.push(argv[i]!);
  }
  if (argv.includes('--stack')) await stackDeadLetters(command, ids, stackFlag(argv), flag(argv, 'outputs'));
  else await localDeadLetters(command, ids);
});
