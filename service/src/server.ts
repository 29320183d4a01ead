import { createServer, type RequestListener, type Server } from 'node:http';
import type { Logger } from 'pino';

export interface RunningServer {
  server: Server;
  port: number;
  isShuttingDown(): boolean;
  /** Stop accepting, let in-flight requests finish, then resolve; force-closes what is left after the timeout. */
  shutdown(): Promise<void>;
}

/** How long a connection may take over what, and how long it may live. */
export interface ConnectionLimits {
  /** Until a request's headers are in, else 408 and the connection is closed. */
  headersTimeoutMs: number;
  /** Until the whole request (headers and body) is in, else 408 and close. Node requires ≥ headersTimeoutMs. */
  requestTimeoutMs: number;
  /** How often Node checks the two above: a slow request is cut off at most this much after its limit. */
  checkIntervalMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Requests one connection may carry; the last answer says `Connection: close`. */
  maxRequestsPerSocket: number;
}

/**
 * Production limits. Node's defaults let a request take 300 s to arrive: a client trickling its headers or
 * never finishing its body would hold a connection (and its memory) for five minutes. A real request is at
 * most 16 KiB, so 20 s for the headers and 30 s for all of it is generous, and the ALB has its own 60 s idle
 * timeout towards clients. Idle keep-alive connections are timed by keepAliveTimeout alone (Node ≥ 18 applies
 * the two timeouts above only while a request is arriving), which stays longer than the ALB's idle timeout
 * (60 s) so the ALB, not us, closes them: the other way round the ALB may send a request on a connection we
 * are closing, and answer 502. The ALB reuses connections indefinitely; capping the requests per connection
 * recycles them now and then, and bounds what one client reaching the task directly can do on one socket.
 */
export const CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 30_000,
  checkIntervalMs: 5_000,
  keepAliveTimeoutMs: 65_000,
  maxRequestsPerSocket: 1_000,
};

/**
 * Listens, and knows how to stop gracefully. ECS deregisters the task from the ALB before it sends SIGTERM
 * and kills it `stopTimeout` seconds later; `shutdownTimeoutMs` must stay below that (infra sets both).
 * `limits` replaces CONNECTION_LIMITS in part (tests use short ones).
 */
export async function listen(
  app: { callback(): RequestListener },
  options: {
    port: number;
    host?: string;
    shutdownTimeoutMs: number;
    logger: Logger;
    state: { shuttingDown: boolean };
    limits?: Partial<ConnectionLimits>;
  },
): Promise<RunningServer> {
  const limits = { ...CONNECTION_LIMITS, ...options.limits };
  const server = createServer(
    { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: limits.checkIntervalMs },
    app.callback(),
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  server.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    isShuttingDown: () => options.state.shuttingDown,
    shutdown() {
      closing ??= new Promise<void>((resolve) => {
        options.state.shuttingDown = true;
        options.logger.info({ timeoutMs: options.shutdownTimeoutMs }, 'shutting down: draining in-flight requests');
        const force = setTimeout(() => {
          options.logger.warn('shutdown timeout: closing remaining connections');
          server.closeAllConnections();
        }, options.shutdownTimeoutMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        // Idle keep-alive sockets would hold close() open; busy ones close after their response (Connection: close).
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
