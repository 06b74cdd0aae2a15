import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type HttpHarness, httpHarness } from '../support/httpHarness.ts';
import { MIN, REPORT_NOW, seedHealthyState } from '../support/proofFixtures.ts';

let h: HttpHarness | undefined;
afterEach(() => h?.cleanup());

const post = (path: string, body?: string) =>
  h!.request(path, { method: 'POST', token: ADMIN_TOKEN, ...(body === undefined ? {} : { body }) });
const permitState = (id: string) =>
  h!.app.store.statement('select state, reason_code as reasonCode from permits where id = ?').get(id) as {
    state: string;
    reasonCode: string | null;
  };

async function awaitingPermit() {
  h = await httpHarness();
  const f = h.fixture;
  const c = f.candidate(REPORT_NOW - 5 * MIN);
  const q = f.queue(c, REPORT_NOW - 5 * MIN, REPORT_NOW + 30 * MIN);
  return f.permitted(c, q, REPORT_NOW - 4 * MIN, 'manual');
}

describe('pause and resume', () => {
  it('flip the kill switch and record who did it', async () => {
    h = await httpHarness();
    const paused = await post('/api/control/pause');
    expect(await paused.json()).toEqual({ paused: true });
    expect(h.app.controls.isPaused()).toBe(true);
    const status = (await (await h.request('/api/status')).json()) as {
      paused: boolean;
      blocking: { code: string };
    };
    expect(status).toMatchObject({ paused: true, blocking: { code: 'paused' } });
    expect(await (await post('/api/control/resume')).json()).toEqual({ paused: false });
    const events = h.app.store
      .statement("select type, data from events where type like 'control_%' order by id")
      .all() as {
      type: string;
      data: string;
    }[];
    expect(events.map((e) => e.type)).toEqual(['control_paused', 'control_resumed']);
    expect(JSON.parse(events[0]!.data).by).toMatch(/^operator:/);
  });
});

describe('the audit trail', () => {
  // Issue #11, finding 6: the operator recorded on control events was the client's own
  // x-request-id, so an authenticated caller chose what the audit trail said.
  it('records who acted from the token, never from a header the client chose', async () => {
    const ids = await awaitingPermit();
    const other = await (async () => {
      const f = h!.fixture;
      const c = f.candidate(REPORT_NOW - 3 * MIN);
      return f.permitted(
        c,
        f.queue(c, REPORT_NOW - 3 * MIN, REPORT_NOW + 30 * MIN),
        REPORT_NOW - 2 * MIN,
        'manual',
      );
    })();
    const forged = { 'x-request-id': 'someone-else' };
    const calls: [string, string?][] = [
      ['/api/control/pause'],
      ['/api/control/resume'],
      [`/api/permits/${ids.permitId}/approve`],
      [`/api/permits/${other.permitId}/reject`, '{"reasonCode":"off_topic"}'],
    ];
    for (const [path, body] of calls) {
      const res = await h!.request(path, {
        method: 'POST',
        token: ADMIN_TOKEN,
        headers: forged,
        ...(body ? { body } : {}),
      });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('someone-else');
    }
    const events = h!.app.store
      .statement(
        "select type, data from events where type like 'control_%' or type like 'permit_%_by_operator' order by id",
      )
      .all() as { type: string; data: string }[];
    expect(events).toHaveLength(4);
    for (const e of events) expect(JSON.parse(e.data).by, e.type).toBe('operator:admin-token');
  });
});

describe('approve and reject', () => {
  it('approves a permit awaiting approval, then answers 409 to a second approval', async () => {
    const ids = await awaitingPermit();
    const res = await post(`/api/permits/${ids.permitId}/approve`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ permitId: ids.permitId, state: 'approved', reasonCode: null });
    expect(permitState(ids.permitId).state).toBe('approved');
    const again = await post(`/api/permits/${ids.permitId}/approve`);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      error: 'conflict',
      message: expect.stringContaining('approved'),
    });
  });

  it('rejects with a reason code; the candidate fails with it', async () => {
    const ids = await awaitingPermit();
    const res = await post(
      `/api/permits/${ids.permitId}/reject`,
      JSON.stringify({ reasonCode: 'off_topic' }),
    );
    expect(await res.json()).toEqual({ permitId: ids.permitId, state: 'rejected', reasonCode: 'off_topic' });
    expect(permitState(ids.permitId)).toEqual({ state: 'rejected', reasonCode: 'off_topic' });
    expect(
      h!.app.store
        .statement('select state, reason_code as r from candidates where id = ?')
        .get(ids.candidateId),
    ).toEqual({
      state: 'failed',
      r: 'off_topic',
    });
    expect((await post(`/api/permits/${ids.permitId}/reject`)).status).toBe(409);
  });

  it('rejects with the default reason when the body is empty', async () => {
    const ids = await awaitingPermit();
    expect(await (await post(`/api/permits/${ids.permitId}/reject`)).json()).toMatchObject({
      reasonCode: 'operator_rejected',
    });
  });

  it.each([
    ['not json', '{reasonCode'],
    ['a bad reason code', JSON.stringify({ reasonCode: 'DROP TABLE' })],
    ['a wrong type', JSON.stringify({ reasonCode: 42 })],
  ])('answers 400 to %s and changes nothing', async (_name, body) => {
    const ids = await awaitingPermit();
    const eventsBefore = h!.app.store.statement('select count(*) as n from events').get();
    const res = await post(`/api/permits/${ids.permitId}/reject`, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'bad_request' });
    expect(permitState(ids.permitId).state).toBe('awaiting_approval');
    expect(h!.app.store.statement('select count(*) as n from events').get()).toEqual(eventsBefore);
  });

  it('answers 404 for an unknown permit and 400 for a malformed id', async () => {
    h = await httpHarness();
    expect((await post('/api/permits/permit_missing/approve')).status).toBe(404);
    expect((await post('/api/permits/permit_missing/reject')).status).toBe(404);
    expect((await post('/api/permits/bad%20id/approve')).status).toBe(400);
  });

  it('answers 409 for a used permit', async () => {
    h = await httpHarness();
    const { posted } = seedHealthyState(h.fixture);
    const id = posted[0]!.permitId;
    expect((await post(`/api/permits/${id}/approve`)).status).toBe(409);
    expect((await post(`/api/permits/${id}/reject`)).status).toBe(409);
    expect(permitState(id).state).toBe('used');
  });
});
