import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type HttpHarness, httpHarness } from '../support/httpHarness.ts';
import { seedHealthyState } from '../support/proofFixtures.ts';
import { rawRequest, requestHead } from '../support/rawHttp.ts';
import { type ServedHarness, servedHarness } from '../support/servedHarness.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * Finding 1 of issue #11: the read-token check ran only for GET, while Hono answers HEAD by
 * running the GET handler — so HEAD walked past REPLYWRIGHT_READ_TOKEN_REQUIRED=1, told which
 * ids exist, and HEAD on the event stream left a subscription and two timers behind each time.
 */
let h: HttpHarness | undefined;
let s: ServedHarness | undefined;
afterEach(async () => {
  h?.cleanup();
  h = undefined;
  await s?.close();
  s = undefined;
});

const PROTECTED = { REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN, REPLYWRIGHT_READ_TOKEN_REQUIRED: '1' };

describe('reads protected by the token', () => {
  it.each(['HEAD', 'OPTIONS', 'PROPFIND', 'GET'])(
    '%s without the token is 401 on every read route',
    async (method) => {
      h = await httpHarness(PROTECTED);
      const { posted } = seedHealthyState(h.fixture);
      const paths = [
        '/api/status',
        '/api/proof',
        '/api/actors',
        `/api/actors/${posted[0]!.permitId}`,
        '/api/actors/no_such_actor',
        `/api/trace/${posted[0]!.permitId}`,
        '/api/machines',
        '/api/events/stream',
        '/metrics',
        '/fragments/live',
      ];
      for (const path of paths) {
        const res = await h.request(path, { method });
        expect(res.status, `${method} ${path}`).toBe(401);
      }
    },
  );

  it('HEAD with the token answers like GET, headers only', async () => {
    h = await httpHarness(PROTECTED);
    const res = await h.request('/api/status', { method: 'HEAD', token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

describe('HEAD /api/events/stream over a real socket', () => {
  it('answers with the stream headers and leaves no subscription, timer or socket behind', async () => {
    s = await servedHarness(undefined, { stream: { pollMs: 50, pingMs: 50 } });
    const timersBefore = countResources('Timeout');
    for (let i = 0; i < 100; i++) {
      const res = await rawRequest(s.url, requestHead('HEAD', '/api/events/stream', s.host));
      expect(res?.status).toBe(200);
      expect(res?.headers.get('content-type')).toContain('text/event-stream');
    }
    const harness = s;
    await waitFor(() => harness.listeners.size === 0 && countResources('Timeout') <= timersBefore + 2, {
      what: 'the HEAD streams to let go of their subscriptions and timers',
    });
  });
});

function countResources(kind: string): number {
  return process.getActiveResourcesInfo().filter((r) => r === kind).length;
}
