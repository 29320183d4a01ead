import { createServer, type Server } from 'node:net';
import { freePort } from '../../local/process';
import { npmRun } from '../support/processes';

/**
 * `npm start` with a port already taken (macOS's AirPlay receiver holds 5000): it stops before starting
 * anything and says which service wanted which port and how to choose others, not `listen EADDRINUSE`.
 */
it('names the taken port, who needs it, and how to choose others', async () => {
  const port = await freePort();
  const holder: Server = createServer();
  await new Promise<void>((resolve) => holder.listen(port, resolve));
  try {
    const start = await npmRun('start', [], { PORT: String(port), DYNAMODB_PORT: String(await freePort()), COGNITO_PORT: String(await freePort()) }, 60_000);
    expect(start.code).not.toBe(0);
    expect(start.output).toContain(`Port ${port} is already in use: the Orders API needs it (PORT).`);
    expect(start.output).toMatch(/Choose other ports, e\.g\. PORT=5050 npm start \(DynamoDB Local and cognito-local then take 5051 and 5052\)/);
    expect(start.output).not.toMatch(/EADDRINUSE|Starting DynamoDB Local/);
  } finally {
    holder.close();
  }
}, 60_000);
