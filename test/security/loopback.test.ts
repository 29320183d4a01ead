import net from 'node:net';
import os from 'node:os';
import pino from 'pino';
import { freePort } from '../../local/process';
import { localSettings } from '../../local/settings';
import { startLocalStack, type LocalStack } from '../../local/stack';

/**
 * `npm start` serves demo users, their tokens and the table to this machine only: the API and cognito-local
 * listen on 127.0.0.1. (DynamoDB Local takes no bind address and listens on every interface; docs/api.md.)
 */
let stack: LocalStack;
beforeAll(async () => {
  const [apiPort, dynamoPort, cognitoPort] = [await freePort(), await freePort(), await freePort()];
  stack = await startLocalStack({ ...localSettings({}), apiPort, dynamoPort, cognitoPort }, pino({ level: 'silent' }));
}, 120_000);
afterAll(() => stack?.stop());

/** Whether a TCP connection to host:port is accepted. */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2000);
    const done = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });

/**
 * Addresses of this machine other than 127.0.0.1: its non-loopback interfaces, and on Linux 127.0.0.2 (all of
 * 127/8 is this machine there), which only a listener on every interface answers, so the check runs even
 * where the machine has no network.
 */
const otherAddresses = [
  ...Object.values(os.networkInterfaces())
    .flat()
    .flatMap((a) => (a && !a.internal && a.family === 'IPv4' ? [a.address] : [])),
  ...(process.platform === 'linux' ? ['127.0.0.2'] : []),
];

it('binds the local API to 127.0.0.1', () => {
  expect(stack.api.server.address()).toMatchObject({ address: '127.0.0.1', port: stack.api.port });
});

it('answers on 127.0.0.1 only: the API and cognito-local refuse connections to any other address of this machine', async () => {
  // The probe itself: a listener on every interface is reached through each of these addresses.
  const everywhere = net.createServer().listen(0);
  await new Promise((resolve) => everywhere.once('listening', resolve));
  const control = (everywhere.address() as net.AddressInfo).port;
  try {
    for (const address of otherAddresses) expect({ address, accepted: await accepts(address, control) }).toEqual({ address, accepted: true });
  } finally {
    everywhere.close();
  }
  for (const [who, port] of [
    ['api', stack.api.port],
    ['cognito-local', stack.cognito.port],
  ] as const) {
    expect({ who, accepted: await accepts('127.0.0.1', port) }).toEqual({ who, accepted: true });
    for (const address of otherAddresses) expect({ who, address, accepted: await accepts(address, port) }).toEqual({ who, address, accepted: false });
  }
  console.log(`loopback: probed ${otherAddresses.join(', ') || 'no other address'}`);
});
