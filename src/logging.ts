import pino, { type Logger } from 'pino';

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
  const pretty = options.pretty ?? Boolean(process.stdout.isTTY);
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { app: 'replywright' },
  };
  if (options.destination) return pino(base, options.destination);
  if (pretty) return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true } } });
  return pino(base);
}

export const silentLogger: Logger = pino({ level: 'silent' });
