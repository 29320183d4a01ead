import { createServer, type RequestListener, type Server } from 'node:http';
import type { Logger } from 'pino';

export interface RunningServer {
  server: Server;
  port: number;
  isShuttingDown(): boolean;
  /** Stop accepting, let in-flight requests finish, then resolve; force-closes what is left after the timeout. */
  shutdown(): Promise<void>;
}

/**
 * Listens, and knows how to stop gracefully. ECS deregisters the task from the ALB before it sends SIGTERM
 * and kills it `stopTimeout` seconds later; `shutdownTimeoutMs` must stay below that (infra sets both).
 */
export async function listen(
  app: { callback(): RequestListener },
  options: { port: number; host?: string; shutdownTimeoutMs: number; logger: Logger; state: { shuttingDown: boolean } },
): Promise<RunningServer> {
  const server = createServer(app.callback());
  server.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  // Longer than the ALB's idle timeout (60 s), so the ALB, not us, closes idle connections.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
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
