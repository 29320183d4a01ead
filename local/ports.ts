import { createServer } from 'node:net';
import type { LocalSettings } from './settings';

/** A port `npm start` needs, who needs it, and the variable that moves it. */
export interface PortClaim {
  port: number;
  who: string;
  variable: 'PORT' | 'DYNAMODB_PORT' | 'COGNITO_PORT';
}

export const portClaims = (settings: Pick<LocalSettings, 'apiPort' | 'dynamoPort' | 'cognitoPort'>): PortClaim[] => [
  { port: settings.apiPort, who: 'the Orders API', variable: 'PORT' },
  { port: settings.dynamoPort, who: 'DynamoDB Local', variable: 'DYNAMODB_PORT' },
  { port: settings.cognitoPort, who: 'cognito-local', variable: 'COGNITO_PORT' },
];

/** Whether binding `port` on `host` fails because someone holds it (any other error is not ours to judge here). */
const heldOn = (port: number, host?: string) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE'));
    probe.listen({ port, ...(host ? { host } : {}) }, () => probe.close(() => resolve(false)));
  });

// All interfaces, where another process may hold the port, and loopback, where the stand-ins listen and where a
// process holding only 127.0.0.1 can hide from an all-interfaces probe (SO_REUSEADDR on macOS).
const isTaken = async (port: number) => (await heldOn(port)) || (await heldOn(port, '127.0.0.1'));

/** The claims whose port another process already holds. */
export async function takenPorts(claims: readonly PortClaim[]): Promise<PortClaim[]> {
  const taken: PortClaim[] = [];
  for (const claim of claims) if (await isTaken(claim.port)) taken.push(claim);
  return taken;
}

/** What to tell someone whose ports are taken, instead of `listen EADDRINUSE: address already in use :::5000`. */
export function portsTakenMessage(taken: readonly PortClaim[], settings: Pick<LocalSettings, 'apiPort'>): string {
  const next = settings.apiPort === 5050 ? 6000 : 5050;
  return [
    ...taken.map((c) => `Port ${c.port} is already in use: ${c.who} needs it (${c.variable}).`),
    ...(taken.some((c) => c.port === 5000) ? ['On macOS the AirPlay Receiver listens on 5000 (System Settings → General → AirDrop & Handoff).'] : []),
    `Choose other ports, e.g. PORT=${next} npm start (DynamoDB Local and cognito-local then take ${next + 1} and ${next + 2}), or set DYNAMODB_PORT / COGNITO_PORT.`,
  ].join('\n');
}
