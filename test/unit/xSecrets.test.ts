import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { publicConfig } from '../../src/config/publicConfig.ts';
import { createLogger } from '../../src/logging.ts';

/** X's tokens are secrets: never in a log line, only "configured" in what the API shows. */
describe('X secrets', () => {
  const env = {
    REPLYWRIGHT_PLATFORM: 'x',
    REPLYWRIGHT_X_API_URL: 'https://api.x.com',
    REPLYWRIGHT_X_ACCESS_TOKEN: 'access-shh-1',
    REPLYWRIGHT_X_REFRESH_TOKEN: 'refresh-shh-2',
    REPLYWRIGHT_X_CLIENT_ID: 'client-id',
    REPLYWRIGHT_X_CLIENT_SECRET: 'client-shh-3',
  };

  it('are redacted from log lines, top-level or nested', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ level: 'info', pretty: false, destination });
    const config = loadConfig(env);
    log.info(config, 'config');
    log.info(
      {
        auth: {
          accessToken: 'access-shh-1',
          refreshToken: 'refresh-shh-2',
          clientSecret: 'client-shh-3',
        },
      },
      'tokens',
    );
    const text = lines.join('');
    expect(text).toContain('[redacted]');
    expect(text).not.toMatch(/shh-[0-9]/);
  });

  it('are shown only as configured', () => {
    const shown = JSON.stringify(publicConfig(loadConfig(env)));
    expect(shown).not.toMatch(/shh-[0-9]/);
    expect(publicConfig(loadConfig(env))).toMatchObject({
      xAccessTokenConfigured: true,
      xRefreshConfigured: true,
      xApiUrl: 'https://api.x.com/',
    });
  });
});
