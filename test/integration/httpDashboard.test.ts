import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type HttpHarness, httpHarness } from '../support/httpHarness.ts';
import { MIN, REPORT_NOW, seedHealthyState, seedStarvedState } from '../support/proofFixtures.ts';

let h: HttpHarness | undefined;
afterEach(() => h?.cleanup());

describe('GET / (dashboard)', () => {
  it('renders header, funnel, proof, diagnosis, queue, permits, ghosts and statecharts', async () => {
    h = await httpHarness();
    seedHealthyState(h.fixture);
    const c = h.fixture.candidate(REPORT_NOW - 2 * MIN);
    const q = h.fixture.queue(c, REPORT_NOW - 2 * MIN, REPORT_NOW + 30 * MIN);
    const awaiting = h.fixture.permitted(c, q, REPORT_NOW - MIN, 'manual');
    const res = await h.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    for (const id of [
      'account',
      'mode',
      'poster',
      'paused-state',
      'pause',
      'resume',
      'token-input',
      'funnel',
      'funnel-posted',
      'proof-table',
      'proof-status',
      'diagnosis',
      'queue',
      'permits',
      'ghosts',
      'latest-trace',
      `approve-${awaiting.permitId}`,
      `reject-${awaiting.permitId}`,
      'statechart-candidate',
      'statechart-permit',
      'statechart-supervisor',
    ]) {
      expect(html, id).toContain(`data-testid="${id}"`);
    }
    expect(html).toContain('<svg class="statechart"');
    expect(html).toMatch(/data-state="used" data-count="2"/);
    expect(html).toMatch(/data-state="awaiting_approval" data-count="1"/);
    expect(html).toContain('new EventSource');
    expect(html).not.toMatch(/<script src=|<link [^>]*href="http/);
    expect(html).not.toContain('data-testid="risk-banner"');
    expect(html).not.toContain(ADMIN_TOKEN);
  });

  it('shows the seed state as NOT OPERATIONAL with its blocking reason', async () => {
    h = await httpHarness();
    seedStarvedState(h.fixture);
    const html = await (await h.request('/?window=30m')).text();
    expect(html).toContain('data-testid="proof-status">NOT OPERATIONAL');
    expect(html).toContain('data-testid="diagnosis" data-code="queue_starvation"');
    expect(html).toContain('data-testid="proof-row-fetchCompleted" data-pass="false"');
  });

  it('lists risky settings in a banner', async () => {
    h = await httpHarness({ REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN, REPLYWRIGHT_ALLOW_KEYWORD_REPLIES: '1' });
    const html = await (await h.request('/')).text();
    expect(html).toContain('data-testid="risk-banner"');
    expect(html).toContain('REPLYWRIGHT_ALLOW_KEYWORD_REPLIES=1');
  });

  it('escapes text from the platform', async () => {
    h = await httpHarness();
    const c = h.fixture.candidate(REPORT_NOW - MIN, {
      text: '<script>alert("x")</script>',
      author: 'mallory',
    });
    h.fixture.queue(c, REPORT_NOW - MIN, REPORT_NOW + 30 * MIN);
    const html = await (await h.request('/')).text();
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('disables the controls and says why when no admin token is configured', async () => {
    h = await httpHarness({});
    const html = await (await h.request('/')).text();
    expect(html).toContain('set REPLYWRIGHT_ADMIN_TOKEN');
    expect(html).toMatch(/data-testid="pause" disabled/);
  });

  it('answers 400 to a malformed window', async () => {
    h = await httpHarness();
    expect((await h.request('/?window=forever')).status).toBe(400);
  });
});

describe('GET /fragments/live and /proof', () => {
  it('renders the live section alone', async () => {
    h = await httpHarness();
    seedHealthyState(h.fixture);
    const html = await (await h.request('/fragments/live')).text();
    expect(html).toContain('data-testid="funnel"');
    expect(html).not.toContain('<html');
  });

  it('renders the proof report as a page', async () => {
    h = await httpHarness();
    seedHealthyState(h.fixture);
    const html = await (await h.request('/proof?window=30m')).text();
    expect(html).toContain('data-testid="proof-status">OPERATIONAL');
    expect(html).toContain('data-testid="job-runs"');
    expect(html).toContain('events include posting_success');
  });
});
