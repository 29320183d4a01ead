/**
 * A small reader for our own Dockerfile (service/Dockerfile): enough to rehearse its stages without a Docker
 * engine. It knows the instructions that file uses and refuses any other, so a new instruction cannot slip
 * past the rehearsal unnoticed.
 */
export type Instruction =
  | { op: 'WORKDIR'; dir: string }
  | { op: 'COPY'; from?: string; sources: string[]; dest: string }
  | { op: 'RUN'; command: string }
  | { op: 'ENV'; vars: Record<string, string> };

export interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
  env: Record<string, string>;
  user?: string;
  cmd?: string[];
  expose: number[];
  stopSignal?: string;
}

/** Joins continued lines, drops comments and blank lines. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!current && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) current += `${line.slice(0, -1).trim()} `;
    else {
      lines.push(current + line);
      current = '';
    }
  }
  if (current) lines.push(current.trim());
  return lines;
}

/** KEY=value pairs of an ENV line (no quoting: our Dockerfile does not need it). */
function envPairs(rest: string): Record<string, string> {
  return Object.fromEntries(
    rest.split(/\s+/).map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`ENV ${rest}: only KEY=value pairs are supported`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const line of logicalLines(text)) {
    const [op = '', ...words] = line.split(/\s+/);
    const rest = line.slice(op.length).trim();
    const stage = stages[stages.length - 1];
    if (op.toUpperCase() === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!match) throw new Error(`unreadable FROM: ${line}`);
      stages.push({ image: match[1]!, name: match[2] ?? String(stages.length), instructions: [], env: {}, expose: [] });
      continue;
    }
    if (!stage) throw new Error(`${op} before FROM`);
    switch (op.toUpperCase()) {
      case 'WORKDIR':
        stage.instructions.push({ op: 'WORKDIR', dir: rest });
        break;
      case 'COPY': {
        const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
        if (words.some((w) => w.startsWith('--'))) throw new Error(`unsupported COPY flag: ${line}`);
        const dest = words.pop();
        if (!dest || words.length === 0) throw new Error(`COPY needs sources and a destination: ${line}`);
        stage.instructions.push({ op: 'COPY', ...(from ? { from } : {}), sources: words, dest });
        break;
      }
      case 'RUN':
        stage.instructions.push({ op: 'RUN', command: rest });
        break;
      case 'ENV': {
        const vars = envPairs(rest);
        stage.instructions.push({ op: 'ENV', vars });
        Object.assign(stage.env, vars);
        break;
      }
      case 'USER':
        stage.user = rest;
        break;
      case 'CMD':
        stage.cmd = JSON.parse(rest) as string[];
        break;
      case 'EXPOSE':
        stage.expose.push(...words.map(Number));
        break;
      case 'STOPSIGNAL':
        stage.stopSignal = rest;
        break;
      default:
        throw new Error(`the image rehearsal does not know the instruction ${op} (scripts/image/dockerfile.ts)`);
    }
  }
  return stages;
}
