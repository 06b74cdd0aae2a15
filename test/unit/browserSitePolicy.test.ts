import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/platforms/browser/profile.ts';
import {
  assertScriptingAllowed,
  isScriptingForbidden,
  ScriptingForbidden,
} from '../../src/platforms/browser/sitePolicy.ts';

describe('browser poster site policy', () => {
  it.each([
    ['https://x.com/home', true],
    ['https://mobile.twitter.com/i/status/1', true],
    ['https://twitter.com', true],
    ['https://notx.com', false],
    ['http://127.0.0.1:8081', false],
    ['https://community.example.org', false],
  ])('%s forbidden: %s', (url, forbidden) => {
    expect(isScriptingForbidden(url)).toBe(forbidden);
  });

  it('refuses a base URL or a profile pointing at X, allows the sandbox', () => {
    const sandbox = loadProfile('sandbox');
    expect(() => assertScriptingAllowed('http://127.0.0.1:8081', sandbox)).not.toThrow();
    expect(() => assertScriptingAllowed('https://x.com', sandbox)).toThrow(ScriptingForbidden);
    expect(() =>
      assertScriptingAllowed('http://127.0.0.1:8081', {
        ...sandbox,
        postUrl: 'https://twitter.com/i/status/{postId}',
      }),
    ).toThrow(/rules forbid automating/);
  });
});
