/** One line written to stdout or stderr: a JSON line parsed (Powertools writes those), anything else as `{ text }`. */
export interface Written {
  stream: 'stdout' | 'stderr';
  line: Record<string, unknown>;
}

/**
 * Reads what the code under test tells an operator where CloudWatch Logs would take it from: from each test's
 * start to its end, the lines written to `streams` that `keep` accepts are parsed into the returned list, in the
 * order written; the rest pass through to the terminal. The list is never emptied here: a file that wants each test
 * to start empty splices it in its own `beforeEach`.
 */
export function capturedWrites({
  streams = ['stdout', 'stderr'],
  keep = () => true,
}: { streams?: ReadonlyArray<Written['stream']>; keep?: (text: string) => boolean } = {}): Written[] {
  const written: Written[] = [];
  const spies: jest.SpyInstance[] = [];
  beforeEach(() => {
    for (const stream of streams) {
      const original = process[stream].write.bind(process[stream]) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
      const spy = jest.spyOn(process[stream], 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
        const text = String(chunk);
        if (!keep(text)) return original(chunk, ...rest);
        for (const line of text.split('\n').filter(Boolean))
          written.push({ stream, line: line.startsWith('{') ? (JSON.parse(line) as Written['line']) : { text: line } });
        return true;
      }) as typeof process.stdout.write);
      spies.push(spy);
    }
  });
  afterEach(() => {
    for (const spy of spies.splice(0)) spy.mockRestore();
  });
  return written;
}
