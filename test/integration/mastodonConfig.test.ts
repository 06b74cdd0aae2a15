import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { platformFromConfig } from '../../src/app/platformFromConfig.ts';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { riskySettings } from '../../src/config/risks.ts';
import { createLogger, REDACTED_PATHS } from '../../src/logging.ts';
import { MastodonAdapter } from '../../src/platforms/mastodon/adapter.ts';
import {
  checkMastodonAccount,
  forMastodonInstance,
  mastodonFromConfig,
} from '../../src/platforms/mastodon/fromConfig.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { MASTODON_TOKEN, type MastodonSandbox, serveMastodonSandbox } from '../support/mastodonSandbox.ts';

/** REPLYWRIGHT_PLATFORM=mastodon as configured: which server, which token, the start-up checks. */
let s: MastodonSandbox | undefined;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await s?.stop();
  s = undefined;
});

function capturedLogger() {
  const lines: string[] = [];
  const log = createLogger({
    level: 'info',
    pretty: false,
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  });
  return { log, lines };
}

describe('mastodonFromConfig', () => {
  it('a real instance needs its token; the token is a secret the logs never show', () => {
    const config = loadConfig({
      REPLYWRIGHT_PLATFORM: 'mastodon',
      REPLYWRIGHT_MASTODON_URL: 'https://m.example',
    });
    expect(() => mastodonFromConfig(config, { sandboxUrl: 'http://127.0.0.1:1', sandboxToken: 't' })).toThrow(
      /REPLYWRIGHT_MASTODON_TOKEN: required with REPLYWRIGHT_MASTODON_URL/,
    );
    expect(REDACTED_PATHS).toContain('REPLYWRIGHT_MASTODON_TOKEN');
    const { log, lines } = capturedLogger();
    log.info({ config: { REPLYWRIGHT_MASTODON_TOKEN: 'very-secret-token' } }, 'x');
    expect(lines.join('')).not.toContain('very-secret-token');
  });

  it('is what platformFromConfig builds, with a one-hour key window and the configured ceiling', () => {
    const config = loadConfig({
      REPLYWRIGHT_PLATFORM: 'mastodon',
      REPLYWRIGHT_MASTODON_MAX_VISIBILITY: 'unlisted',
    });
    const adapter = platformFromConfig(config, 'http://127.0.0.1:1');
    expect(adapter).toBeInstanceOf(MastodonAdapter);
    expect(adapter.name).toBe('mastodon');
    expect(adapter.capabilities().idempotency).toEqual({ kind: 'window', seconds: 3600 });
    expect(() => loadConfig({ REPLYWRIGHT_MASTODON_MAX_VISIBILITY: 'everyone' })).toThrow(ConfigError);
  });

  it('without a URL it talks to the sandbox in its Mastodon dialect with the sandbox bot’s token', async () => {
    s = await serveMastodonSandbox();
    const config = loadConfig({ REPLYWRIGHT_PLATFORM: 'mastodon' });
    const adapter = mastodonFromConfig(config, { sandboxUrl: s.url, sandboxToken: MASTODON_TOKEN });
    expect((await adapter.connect()).acct).toBe('replywright_bot');
  });

  it('on the sandbox it declares what the dialect plays: the hour narrowed by SANDBOX_KEYS, its lag', () => {
    const declared = (env: Record<string, string>) =>
      mastodonFromConfig(loadConfig({ REPLYWRIGHT_PLATFORM: 'mastodon', ...env }), {
        sandboxUrl: 'http://127.0.0.1:1',
        sandboxToken: 't',
      }).capabilities();
    expect(declared({})).toMatchObject({
      idempotency: { kind: 'window', seconds: 3600 },
      visibilityLagMs: 0,
    });
    expect(declared({ SANDBOX_KEYS: 'none', SANDBOX_VISIBILITY_LAG_MS: '1500' })).toMatchObject({
      idempotency: { kind: 'none' },
      visibilityLagMs: 1500,
    });
    expect(declared({ SANDBOX_KEYS: 'window:60' }).idempotency).toEqual({ kind: 'window', seconds: 60 });
    // A real instance: Mastodon's own guarantees, whatever the sandbox settings say.
    expect(
      declared({
        SANDBOX_KEYS: 'none',
        REPLYWRIGHT_MASTODON_URL: 'https://m.example',
        REPLYWRIGHT_MASTODON_TOKEN: 't',
      }),
    ).toMatchObject({ idempotency: { kind: 'window', seconds: 3600 }, visibilityLagMs: 30_000 });
  });
});

describe('start-up', () => {
  it('a real instance: the username from the token when REPLYWRIGHT_ACCOUNT is unset, prod speed unless set; unreachable, a clear error', async () => {
    s = await serveMastodonSandbox();
    const env = {
      REPLYWRIGHT_PLATFORM: 'mastodon',
      REPLYWRIGHT_MASTODON_URL: s.url,
      REPLYWRIGHT_MASTODON_TOKEN: MASTODON_TOKEN,
    };
    const renamed = { ...env, REPLYWRIGHT_ACCOUNT: 'someone_else' };
    expect((await forMastodonInstance(loadConfig(env), env)).REPLYWRIGHT_ACCOUNT).toBe('replywright_bot');
    expect((await forMastodonInstance(loadConfig(renamed), renamed)).REPLYWRIGHT_ACCOUNT).toBe(
      'someone_else',
    );
    expect((await forMastodonInstance(loadConfig(env), env)).REPLYWRIGHT_SPEED).toBe('prod');
    const dev = { ...renamed, REPLYWRIGHT_SPEED: 'dev' };
    expect((await forMastodonInstance(loadConfig(dev), dev)).REPLYWRIGHT_SPEED).toBe('dev');
    const sandbox = { REPLYWRIGHT_PLATFORM: 'mastodon' };
    expect(await forMastodonInstance(loadConfig(sandbox), sandbox)).toEqual(loadConfig(sandbox));
    const down = { ...env, REPLYWRIGHT_MASTODON_URL: 'http://127.0.0.1:9' };
    await expect(forMastodonInstance(loadConfig(down), down)).rejects.toThrow(/set REPLYWRIGHT_ACCOUNT/);
  });

  it('stops on another account’s token or a refused one; only warns while the instance is unreachable', async () => {
    s = await serveMastodonSandbox();
    const { log, lines } = capturedLogger();
    const other = new MastodonAdapter({ url: s.url, token: MASTODON_TOKEN, account: 'someone_else' });
    await expect(checkMastodonAccount(other, log)).rejects.toThrow(ConfigError);
    const refused = new MastodonAdapter({ url: s.url, token: 'wrong-token', account: 'replywright_bot' });
    await expect(checkMastodonAccount(refused, log)).rejects.toThrow(
      /REPLYWRIGHT_MASTODON_TOKEN: the instance refused it/,
    );
    const unreachable = new MastodonAdapter({
      url: 'http://127.0.0.1:9',
      token: 't',
      account: 'replywright_bot',
    });
    await checkMastodonAccount(unreachable, log);
    expect(lines.join('')).toContain('could not read the Mastodon account at start-up');
  });

  it('an account without the bot flag: a warning at start-up and a dashboard risk, cleared once it is set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mastodon-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'sandbox.db');
    const seed = await SandboxPlatform.open(dbPath, { clock: new SimulatedClock(), seed: 1 });
    seed.ensureUser({ handle: 'humanish', displayName: 'Not labelled', isBot: false });
    seed.close();
    s = await serveMastodonSandbox({ dbPath, account: 'humanish' });
    const config = loadConfig({ REPLYWRIGHT_PLATFORM: 'mastodon', REPLYWRIGHT_ACCOUNT: 'humanish' });
    const adapter = mastodonFromConfig(config, { sandboxUrl: s.url, sandboxToken: MASTODON_TOKEN });
    const { log, lines } = capturedLogger();
    await checkMastodonAccount(adapter, log);
    expect(lines.join('')).toContain('not marked as a bot');
    expect(riskySettings(config)).toContainEqual(
      expect.objectContaining({ setting: 'REPLYWRIGHT_ACCOUNT', value: 'humanish' }),
    );
    await s.stop();
    s = await serveMastodonSandbox();
    const labelled = mastodonFromConfig(loadConfig({ REPLYWRIGHT_PLATFORM: 'mastodon' }), {
      sandboxUrl: s.url,
      sandboxToken: MASTODON_TOKEN,
    });
    await labelled.connect();
    expect(riskySettings(config).filter((r) => r.why.includes('not marked as a bot'))).toEqual([]);
  });
});
