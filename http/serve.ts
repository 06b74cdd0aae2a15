import type { Env, Hono } from 'hono';

/**
 * Serves a Hono app: `Deno.serve` under Deno, @hono/node-server under Node. Resolves once
 * the socket listens (port 0 picks a free one) with its URL and a `close()` that stops
 * accepting connections and waits for the server to finish.
 *
 * @example const server = await serveHttp(createHttpApp(app), { port: 8080, host: '127.0.0.1' });
 */
export interface ServeOptions {
  port: number;
  host: string;
}

export interface Served {
  url: string;
  close(): Promise<void>;
}

interface DenoServer {
  addr: { hostname: string; port: number };
  shutdown(): Promise<void>;
  finished: Promise<void>;
}

interface DenoLike {
  serve(
    options: {
      port: number;
      hostname: string;
      onListen?: (addr: { hostname: string; port: number }) => void;
    },
    handler: (request: Request) => Response | Promise<Response>,
  ): DenoServer;
}

function urlOf(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

export async function serveHttp<E extends Env>(app: Hono<E>, options: ServeOptions): Promise<Served> {
  const deno = (globalThis as { Deno?: DenoLike }).Deno;
  if (deno) {
    // The local port goes to the app as a binding: the Host check compares it with the Host header.
    const server: DenoServer = deno.serve(
      { port: options.port, hostname: options.host, onListen: () => {} },
      (request) => app.fetch(request, { localPort: server.addr.port }),
    );
    return {
      url: urlOf(options.host, server.addr.port),
      async close() {
        await server.shutdown();
      },
    };
  }
  const { serve } = await import('@hono/node-server');
  return new Promise<Served>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      resolve({
        url: urlOf(options.host, info.port),
        close: () =>
          new Promise<void>((done, fail) => {
            const closeAll = (server as { closeAllConnections?: () => void }).closeAllConnections;
            server.close((error) => (error ? fail(error) : done()));
            closeAll?.call(server);
          }),
      });
    });
    server.once('error', reject);
  });
}
