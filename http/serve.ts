import { maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';
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
    server.on('clientError', answerClientError);
  });
}

/**
 * A request Node's parser refuses never reaches the app: Node would answer it with a bare
 * status and no body. It gets the edge's JSON error instead, like every other refusal: 431
 * for a request line and headers over Node's limit, 400 for anything malformed.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify(
    tooLarge
      ? {
          error: 'request_too_large',
          message: `the request line and headers exceed ${maxHeaderSize} bytes`,
        }
      : { error: 'bad_request', message: 'malformed HTTP request' },
  );
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
