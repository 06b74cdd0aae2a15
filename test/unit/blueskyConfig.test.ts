import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { publicConfig } from '../../src/config/publicConfig.ts';
import { blueskyStatePath } from '../../src/platforms/bluesky/fromConfig.ts';

const base = { REPLYWRIGHT_PLATFORM: 'bluesky', REPLYWRIGHT_BLUESKY_APP_PASSWORD: 'abcd-efgh-ijkl-mnop' };

describe('Bluesky settings', () => {
  it('needs the identifier and the app password, naming the missing one', () => {
    expect(() => loadConfig({ REPLYWRIGHT_PLATFORM: 'bluesky' })).toThrow(/REPLYWRIGHT_BLUESKY_IDENTIFIER/);
    expect(() =>
      loadConfig({ REPLYWRIGHT_PLATFORM: 'bluesky', REPLYWRIGHT_BLUESKY_IDENTIFIER: 'bot.example.com' }),
    ).toThrow(/REPLYWRIGHT_BLUESKY_APP_PASSWORD/);
  });

  it('the account is the identifier handle unless set; a DID identifier needs it set', () => {
    const config = loadConfig({ ...base, REPLYWRIGHT_BLUESKY_IDENTIFIER: '@Bot.Example.com' });
    expect(config.REPLYWRIGHT_ACCOUNT).toBe('bot.example.com');
    expect(config.REPLYWRIGHT_BLUESKY_SERVICE).toBe('https://bsky.social');
    expect(() => loadConfig({ ...base, REPLYWRIGHT_BLUESKY_IDENTIFIER: 'did:plc:abc' })).toThrow(ConfigError);
    expect(
      loadConfig({
        ...base,
        REPLYWRIGHT_BLUESKY_IDENTIFIER: 'did:plc:abc',
        REPLYWRIGHT_ACCOUNT: 'bot.example.com',
      }).REPLYWRIGHT_ACCOUNT,
    ).toBe('bot.example.com');
  });

  it('keeps its state next to the DB, and never shows the app password', () => {
    const config = loadConfig({
      ...base,
      REPLYWRIGHT_BLUESKY_IDENTIFIER: 'bot.example.com',
      REPLYWRIGHT_DB: '/srv/rw/replywright.db',
    });
    expect(blueskyStatePath(config)).toBe('/srv/rw/bluesky-state.db');
    expect(JSON.stringify(publicConfig(config))).not.toContain('abcd-efgh-ijkl-mnop');
  });
});
