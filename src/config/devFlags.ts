import { z } from 'zod';
import { ConfigError } from './config.ts';

/**
 * Developer and test switches: not settings of a running replywright (those are the config
 * schema, src/config/config.ts), but they are read only here and validated like it — a bad
 * value is a ConfigError naming the variable. README "Developer flags" is generated from
 * DEV_FLAG_DOCS by `npm run docs:config`.
 */
export const devFlagsSchema = z.object({
  INSPECT_PORT: z.coerce.number().int().min(1).max(65_535).default(8788),
  REPLYWRIGHT_SQLITE_DRIVER: z.enum(['better-sqlite3', 'node:sqlite']).default('better-sqlite3'),
  REPLYWRIGHT_SIM_DEBUG: z
    .enum(['0', '1'], 'expected 0 or 1')
    .default('0')
    .transform((v) => v === '1'),
});

export type DevFlags = z.infer<typeof devFlagsSchema>;

export const DEV_FLAG_DOCS: Record<keyof DevFlags, string> = {
  INSPECT_PORT:
    'Port of `npm run inspector` (the Stately inspector server); point `REPLYWRIGHT_INSPECT_URL` at it.',
  REPLYWRIGHT_SQLITE_DRIVER:
    "`node:sqlite` opens every database through Node's built-in driver instead of better-sqlite3 (what Deno always uses), to test the facade on Node.",
  REPLYWRIGHT_SIM_DEBUG:
    "`1`: `npm run sim` prints each seed's candidates, SLO reasons, permits and job runs as JSON on stderr.",
};

/** The developer flags of `env` (default: the process's); throws a ConfigError on a bad value. */
export function devFlags(env: Record<string, string | undefined> = process.env): DevFlags {
  const present = Object.fromEntries(
    Object.keys(devFlagsSchema.shape)
      .map((name) => [name, env[name]] as const)
      .filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = devFlagsSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ConfigError(`invalid ${String(issue.path[0] ?? 'developer flag')}: ${issue.message}`);
}

/** README's "Developer flags" table: variable, default, meaning. */
export function devFlagsTable(): string {
  const defaults = devFlagsSchema.parse({});
  const rows = Object.entries(DEV_FLAG_DOCS).map(([name, meaning]) => {
    const value = defaults[name as keyof DevFlags];
    const shown = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
    return `| \`${name}\` | \`${shown}\` | ${meaning} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
