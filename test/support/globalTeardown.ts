export default async function globalTeardown(): Promise<void> {
  const standIns = (globalThis as { __standIns?: Array<{ stop(): Promise<void> }> }).__standIns ?? [];
  await Promise.all(standIns.map((s) => s.stop()));
}
