import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.ts';
import { DEV_FLAG_DOCS, devFlags, devFlagsSchema } from '../../src/config/devFlags.ts';

describe('developer flags (src/config/devFlags.ts)', () => {
  it('documents every flag', () => {
    expect(Object.keys(DEV_FLAG_DOCS).sort()).toEqual(Object.keys(devFlagsSchema.shape).sort());
  });

  it('has defaults, and reads set values', () => {
    expect(devFlags({})).toEqual({
      INSPECT_PORT: 8788,
      REPLYWRIGHT_SQLITE_DRIVER: 'better-sqlite3',
      REPLYWRIGHT_SIM_DEBUG: false,
    });
    expect(
      devFlags({
        INSPECT_PORT: '9000',
        REPLYWRIGHT_SQLITE_DRIVER: 'node:sqlite',
        REPLYWRIGHT_SIM_DEBUG: '1',
      }),
    ).toEqual({
      INSPECT_PORT: 9000,
      REPLYWRIGHT_SQLITE_DRIVER: 'node:sqlite',
      REPLYWRIGHT_SIM_DEBUG: true,
    });
  });

  it.each([
    [{ INSPECT_PORT: 'eighty' }, /^invalid INSPECT_PORT: /],
    [{ REPLYWRIGHT_SQLITE_DRIVER: 'sqlite3' }, /^invalid REPLYWRIGHT_SQLITE_DRIVER: /],
    [{ REPLYWRIGHT_SIM_DEBUG: 'yes' }, /^invalid REPLYWRIGHT_SIM_DEBUG: expected 0 or 1$/],
  ])('a bad value is a ConfigError naming the variable: %j', (env, message) => {
    expect(() => devFlags(env)).toThrow(ConfigError);
    expect(() => devFlags(env)).toThrow(message);
  });
});
