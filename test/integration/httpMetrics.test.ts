import { afterEach, describe, expect, it } from 'vitest';
import { type HttpHarness, httpHarness } from '../support/httpHarness.ts';
import { MIN, REPORT_NOW, seedHealthyState } from '../support/proofFixtures.ts';

const harnesses: HttpHarness[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) h.cleanup();
});

async function harness() {
  const h = await httpHarness();
  harnesses.push(h);
  return h;
}

const value = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics', () => {
  it('exposes the pipeline in the Prometheus text format', async () => {
    const h = await harness();
    seedHealthyState(h.fixture);
    const res = await h.request('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('# TYPE replywright_events_total counter');
    expect(text).toContain('# TYPE replywright_job_run_duration_seconds histogram');
    expect(value(text, 'replywright_events_total{type="posting_success"}')).toBe(2);
    expect(value(text, 'replywright_events_total{type="fetch_started"}')).toBe(4);
    expect(value(text, 'replywright_queue_size')).toBe(12);
    expect(value(text, 'replywright_permits{state="used"}')).toBe(2);
    expect(value(text, 'replywright_permits{state="failed"}')).toBe(0);
    expect(value(text, 'replywright_candidates{state="queued"}')).toBe(12);
    expect(value(text, 'replywright_ghosts_total')).toBe(1);
    expect(value(text, 'replywright_supervisor_child_up{child="fetch"}')).toBe(1);
    expect(value(text, 'replywright_paused')).toBe(0);
    expect(value(text, 'replywright_job_run_duration_seconds_count{job="fetch",status="completed"}')).toBe(4);
    expect(value(text, 'replywright_job_run_duration_seconds_sum{job="fetch",status="completed"}')).toBe(12);
    expect(
      value(text, 'replywright_job_run_duration_seconds_bucket{le="2.5",job="fetch",status="completed"}'),
    ).toBe(0);
    expect(
      value(text, 'replywright_job_run_duration_seconds_bucket{le="5",job="fetch",status="completed"}'),
    ).toBe(4);
  });

  it('counts only what is new at each scrape, and finishes runs that were in flight', async () => {
    const h = await harness();
    seedHealthyState(h.fixture);
    await h.request('/metrics');
    h.fixture.jobRun('fetch', REPORT_NOW + MIN);
    const runId = h.fixture.jobRun('fetch', REPORT_NOW + 2 * MIN, { status: 'running' });
    h.fixture.ghost('1700000000000000777', REPORT_NOW + MIN);
    let text = await (await h.request('/metrics')).text();
    expect(value(text, 'replywright_events_total{type="fetch_started"}')).toBe(6);
    expect(value(text, 'replywright_events_total{type="fetch_completed"}')).toBe(5);
    expect(value(text, 'replywright_ghosts_total')).toBe(2);
    expect(value(text, 'replywright_job_run_duration_seconds_count{job="fetch",status="completed"}')).toBe(5);
    h.app.store
      .statement(
        "update job_runs set status = 'failed', ended_at = started_at + 60000, reason = 'timeout' where id = ?",
      )
      .run(runId);
    text = await (await h.request('/metrics')).text();
    expect(value(text, 'replywright_job_run_duration_seconds_count{job="fetch",status="failed"}')).toBe(1);
    expect(value(text, 'replywright_job_run_duration_seconds_count{job="fetch",status="completed"}')).toBe(5);
    text = await (await h.request('/metrics')).text();
    expect(value(text, 'replywright_job_run_duration_seconds_count{job="fetch",status="failed"}')).toBe(1);
    expect(value(text, 'replywright_events_total{type="fetch_started"}')).toBe(6);
  });

  it('keeps a private registry per app', async () => {
    const a = await harness();
    const b = await harness();
    seedHealthyState(a.fixture);
    expect(value(await (await a.request('/metrics')).text(), 'replywright_queue_size')).toBe(12);
    expect(value(await (await b.request('/metrics')).text(), 'replywright_queue_size')).toBe(0);
  });

  it('reports a child that is down', async () => {
    const h = await harness();
    h.health.supervisor.children.poster!.status = 'backoff';
    expect(
      value(await (await h.request('/metrics')).text(), 'replywright_supervisor_child_up{child="poster"}'),
    ).toBe(0);
  });
});
