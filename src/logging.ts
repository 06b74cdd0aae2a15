import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/** Paths never written to a log line, whatever logs them. */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'cookie',
  '*.cookie',
  'apiKey',
  '*.apiKey',
  'REPLYWRIGHT_ADMIN_TOKEN',
  'REPLYWRIGHT_OPENAI_API_KEY',
  '*.REPLYWRIGHT_ADMIN_TOKEN',
  '*.REPLYWRIGHT_OPENAI_API_KEY',
  'REPLYWRIGHT_X_ACCESS_TOKEN',
  'REPLYWRIGHT_X_REFRESH_TOKEN',
  'REPLYWRIGHT_X_CLIENT_SECRET',
  '*.REPLYWRIGHT_X_ACCESS_TOKEN',
  '*.REPLYWRIGHT_X_REFRESH_TOKEN',
  '*.REPLYWRIGHT_X_CLIENT_SECRET',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'clientSecret',
  '*.clientSecret',
  'REPLYWRIGHT_BLUESKY_APP_PASSWORD',
  '*.REPLYWRIGHT_BLUESKY_APP_PASSWORD',
  'REPLYWRIGHT_MASTODON_TOKEN',
  '*.REPLYWRIGHT_MASTODON_TOKEN',
  'appPassword',
  '*.appPassword',
  'accessJwt',
  '*.accessJwt',
  'refreshJwt',
  '*.refreshJwt',
  'storageState',
  '*.storageState',
  'password',
  '*.password',
];

export interface LoggerOptions {
  level?: string;
  /** Pretty output only for humans at a terminal; JSON otherwise. */
  pretty?: boolean;
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const usePretty = options.pretty ?? Boolean(process.stdout.isTTY);
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { app: 'replywright' },
  };
  if (options.destination) return pino(base, options.destination);
  // In-process and synchronous (no worker thread), so the last lines before exit are not lost.
  if (usePretty) return pino(base, pretty({ colorize: true, sync: true }));
  return pino(base);
}

export const silentLogger: Logger = pino({ level: 'silent' });
