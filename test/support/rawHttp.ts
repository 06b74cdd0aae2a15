import { connect, type Socket } from 'node:net';

/**
 * HTTP/1.1 over a bare TCP socket, for what fetch will not do: HEAD on a stream, a client that
 * half-closes its side or vanishes mid-response, a Host header of our choosing, bytes that
 * are not valid UTF-8.
 */
export interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

export interface RawOptions {
  /** Send FIN right after the request (a half-closed client), then keep reading. */
  halfClose?: boolean;
  /** Destroy the socket as soon as the first response bytes arrive (an aborted client). */
  abortOnFirstByte?: boolean;
  /** Stop reading once the response head is in (a stream would never end). */
  headOnly?: boolean;
  /** Give up reading after this long and destroy the socket (default 3 s). */
  timeoutMs?: number;
}

export function rawRequest(
  url: string,
  request: string | Buffer,
  options: RawOptions = {},
): Promise<RawResponse | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseResponse(Buffer.concat(chunks)));
    };
    const timer = setTimeout(finish, options.timeoutMs ?? 3_000);
    socket.on('connect', () => {
      socket.write(request);
      if (options.halfClose) socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (options.abortOnFirstByte) finish();
      else if (options.headOnly && Buffer.concat(chunks).includes('\r\n\r\n')) finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (error) => {
      if (settled) return;
      if (chunks.length) finish();
      else {
        settled = true;
        clearTimeout(timer);
        reject(error);
      }
    });
  });
}

/** A request head with CRLFs; `Connection: close` unless the headers say otherwise. */
export function requestHead(
  method: string,
  target: string,
  host: string,
  headers: Record<string, string> = {},
): string {
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${host}`];
  const all = { connection: 'close', ...headers };
  for (const [name, value] of Object.entries(all)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function parseResponse(bytes: Buffer): RawResponse | null {
  const text = bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(statusLine?.split(' ')[1]);
  if (!Number.isInteger(status)) return null;
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status, headers, body: text.slice(end + 4) };
}
