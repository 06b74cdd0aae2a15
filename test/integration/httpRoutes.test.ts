import { afterEach, describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { type HttpHarness, httpHarness } from '../support/httpHarness.ts';
import { MIN, REPORT_NOW, seedHealthyState, seedStarvedState } from '../support/proofFixtures.ts';

let h: HttpHarness | undefined;
afterEach(() => h?.cleanup());

async function json<T = Record<string, unknown>>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

describe('GET /healthz', () => {
  it('is 200 when live, ready, the database takes a write, and the supervisor is healthy', async () => {
    h = await httpHarness();
    const res = await h.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      reasons: [],
      checks: { live: true, ready: true, dbReadable: true, dbWritable: true, supervisor: 'healthy' },
    });
    expect(h.app.store.statement("select count(*) as n from controls where key = 'healthz'").get()).toEqual({
      n: 0,
    });
  });

  it('is 503 with the reason when a child is in backoff', async () => {
    h = await httpHarness();
    h.health.supervisor.health = 'degraded';
    h.health.supervisor.children.fetch!.status = 'backoff';
    const res = await h.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      status: 'unavailable',
      reasons: ['supervisor degraded (fetch backoff)'],
    });
  });

  it('is 503 when not ready', async () => {
    h = await httpHarness();
    h.health.ready = false;
    expect((await h.request('/healthz')).status).toBe(503);
  });
});

describe('errors and request ids', () => {
  it('propagates a well-formed x-request-id and makes one otherwise', async () => {
    h = await httpHarness();
    const given = await h.request('/api/status', { headers: { 'x-request-id': 'req-123' } });
    expect(given.headers.get('x-request-id')).toBe('req-123');
    const made = await h.request('/api/status', { headers: { 'x-request-id': 'bad id <x>' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.logs.some((l) => l.includes('"requestId":"req-123"') && l.includes('"status":200'))).toBe(true);
  });

  it('answers 500 { error: internal, requestId } without the message or stack', async () => {
    h = await httpHarness();
    h.app.health = () => {
      throw new Error('database password is hunter2');
    };
    const res = await h.request('/healthz', { headers: { 'x-request-id': 'req-500' } });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe(JSON.stringify({ error: 'internal', requestId: 'req-500' }));
  });

  it('answers unknown routes with a JSON 404', async () => {
    h = await httpHarness();
    const res = await h.request('/api/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });
});

describe('GET /api/status', () => {
  it('shows the funnel, caps, pause state and blocking reason over the window', async () => {
    h = await httpHarness();
    seedHealthyState(h.fixture);
    const body = await json(h.request('/api/status?window=30m'));
    expect(body).toMatchObject({
      window: '30m',
      account: 'replywright_bot',
      mode: 'auto',
      poster: 'api',
      paused: false,
      queueSize: 12,
      funnel: { discovered: 15, queued: 14, rejected: 1, selected: 2, permitted: 2, posted: 2 },
      caps: { perHour: { cap: 6, used: 2, left: 4 }, perDay: { cap: 40, used: 2, left: 38 } },
      blocking: { code: 'none', blocking: null },
    });
    expect((body.funnel as { rejectedByReason: unknown }).rejectedByReason).toEqual([
      { key: 'too_short', count: 1 },
    ]);
    expect(body.config).toMatchObject({
      adminTokenConfigured: true,
      readTokenRequired: false,
      capPerHour: 6,
    });
    expect(JSON.stringify(body.config)).not.toMatch(/TOKEN|API_KEY/);
  });

  it('narrows with the window', async () => {
    h = await httpHarness();
    seedHealthyState(h.fixture);
    const body = await json<{ funnel: { discovered: number; posted: number } }>(
      h.request('/api/status?window=15m'),
    );
    expect(body.funnel).toMatchObject({ discovered: 0, posted: 1 });
  });

  it.each(['bogus', '0m', '31d', '30'])('answers 400 for window=%s', async (window) => {
    h = await httpHarness();
    const res = await h.request(`/api/status?window=${window}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'bad_request',
      message: expect.stringContaining('window'),
    });
  });
});

describe('GET /api/proof', () => {
  it('reports the seed state as NOT OPERATIONAL, blocked by queue starvation', async () => {
    h = await httpHarness();
    seedStarvedState(h.fixture);
    const body = await json<{ report: { status: string }; diagnosis: { code: string; cause: string } }>(
      h.request('/api/proof?window=30m'),
    );
    expect(body.report.status).toBe('NOT OPERATIONAL');
    expect(body.diagnosis.code).toBe('queue_starvation');
    expect(body.diagnosis.cause).toContain('fetch not completing');
  });

  it('reports a healthy state as OPERATIONAL', async () => {
    h = await httpHarness();
    seedHealthyState(h.fixture);
    const body = await json<{ report: { status: string } }>(h.request('/api/proof'));
    expect(body.report.status).toBe('OPERATIONAL');
  });
});

describe('GET /api/actors', () => {
  it('pages by id with kind and state filters', async () => {
    h = await httpHarness();
    seedHealthyState(h.fixture);
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page: { items: { id: string; kind: string }[]; nextCursor: string | null } = await json(
        h.request(`/api/actors?kind=candidate&limit=4${cursor ? `&cursor=${cursor}` : ''}`),
      );
      seen.push(...page.items.map((i) => i.id));
      expect(page.items.every((i) => i.kind === 'candidate')).toBe(true);
      cursor = page.nextCursor;
      pages++;
    }
    expect(seen).toHaveLength(15);
    expect([...seen].sort()).toEqual(seen);
    expect(pages).toBe(4);
    const used = await json<{ items: { state: string }[] }>(h.request('/api/actors?kind=permit&state=used'));
    expect(used.items.map((i) => i.state)).toEqual(['used', 'used']);
  });

  it.each(['limit=501', 'limit=0', 'limit=abc', 'kind=Bad!', 'cursor=%20x'])(
    'answers 400 for %s',
    async (q) => {
      h = await httpHarness();
      expect((await h.request(`/api/actors?${q}`)).status).toBe(400);
    },
  );

  it('shows one actor with its snapshot and events, 404 when missing', async () => {
    h = await httpHarness();
    const { posted } = seedHealthyState(h.fixture);
    const body = await json<{ state: string; snapshot: { value: string }; events: { type: string }[] }>(
      h.request(`/api/actors/${posted[0]!.permitId}`),
    );
    expect(body.state).toBe('used');
    expect(body.snapshot.value).toBe('used');
    expect(body.events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'permit_approved',
        'permit_posting',
        'post_reply_click_attempt',
        'permit_used',
        'posting_success',
      ]),
    );
    expect((await h.request('/api/actors/permit_missing')).status).toBe(404);
    expect((await h.request('/api/actors/bad%20id')).status).toBe(400);
  });
});

describe('GET /api/trace/:id', () => {
  it('traces by permit id or post id; 404 when unknown', async () => {
    h = await httpHarness();
    const { posted } = seedHealthyState(h.fixture);
    const byPermit = await json<{ complete: boolean; permitId: string }>(
      h.request(`/api/trace/${posted[0]!.permitId}`),
    );
    expect(byPermit).toMatchObject({ complete: true, permitId: posted[0]!.permitId });
    const byPost = await json<{ permitId: string }>(h.request(`/api/trace/${posted[0]!.postId}`));
    expect(byPost.permitId).toBe(posted[0]!.permitId);
    expect((await h.request('/api/trace/999')).status).toBe(404);
    expect((await h.request('/api/trace/%3Cscript%3E')).status).toBe(400);
  });
});

describe('GET /api/machines', () => {
  it('lists every machine with live counts per state', async () => {
    h = await httpHarness();
    seedHealthyState(h.fixture);
    const c = h.fixture.candidate(REPORT_NOW - MIN);
    const q = h.fixture.queue(c, REPORT_NOW - MIN, REPORT_NOW + 30 * MIN);
    h.fixture.permitted(c, q, REPORT_NOW - MIN, 'manual');
    const { machines } = await json<{
      machines: { name: string; counts: Record<string, number>; states: string[] }[];
    }>(h.request('/api/machines'));
    expect(machines.map((m) => m.name)).toEqual([
      'candidate',
      'permit',
      'fetch',
      'scheduler',
      'poster',
      'reconciler',
      'supervisor',
    ]);
    const byName = Object.fromEntries(machines.map((m) => [m.name, m.counts]));
    expect(byName.permit).toMatchObject({ used: 2, awaiting_approval: 1, pending: 0 });
    expect(byName.candidate).toMatchObject({ queued: 12, posted: 2, permitted: 1, rejected: 1 });
    expect(byName.scheduler).toMatchObject({ running: 1, idle: 0 });
    expect(byName.supervisor).toMatchObject({ supervising: 1 });
  });

  it('shows one definition, loadable as a machine config; 404 for an unknown one', async () => {
    h = await httpHarness();
    const body = await json<{
      definition: { id: string; states: Record<string, unknown> };
      config: { id: string; initial: string };
      states: string[];
    }>(h.request('/api/machines/permit'));
    expect(body.definition.id).toBe('permit');
    expect(Object.keys(body.definition.states)).toContain('unconfirmed');
    expect(body.config.initial).toBe('pending');
    const machine = createMachine(body.config as Parameters<typeof createMachine>[0]);
    expect(Object.keys(machine.states)).toEqual(body.states);
    const job = await json<{ config: { states: { idle: { after: Record<string, unknown> } } } }>(
      h.request('/api/machines/fetch'),
    );
    expect(Object.keys(job.config.states.idle.after)).toEqual(['interval']);
    expect((await h.request('/api/machines/nope')).status).toBe(404);
    expect((await h.request('/api/machines/Bad!')).status).toBe(400);
  });
});
