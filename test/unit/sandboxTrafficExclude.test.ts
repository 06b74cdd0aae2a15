import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { createSandboxApp } from '../../src/sandbox/server.ts';
import { TrafficGenerator } from '../../src/sandbox/traffic.ts';
import { memorySandbox } from '../support/sandbox.ts';

/**
 * The chaos harness leaves 'stop' out of the traffic: every opt-out is permanent, and with
 * the sandbox's eight repliable authors a long run would otherwise run out of targets.
 */
const ADMIN = 'admin-token-for-tests';
const opened: SandboxPlatform[] = [];
afterEach(() => {
  for (const p of opened.splice(0)) p.close();
});

async function setup(seed = 5) {
  const s = await memorySandbox(seed);
  opened.push(s.platform);
  const traffic = new TrafficGenerator(s.platform, { seed });
  // A bot reply, so 'stop' has something to answer.
  const target = traffic.generate(1)[0]!;
  s.platform.createPost({
    author: 'replywright_bot',
    text: `@${target.author} thanks!`,
    inReplyToId: target.id,
  });
  return { ...s, traffic };
}

const origins = (platform: SandboxPlatform) => new Set(platform.groundTruth().map((p) => p.origin));

describe('TrafficGenerator exclusions', () => {
  it('leaves excluded kinds out of the mix, and [] restores it', async () => {
    const { platform, traffic } = await setup();
    traffic.exclude(['stop', 'spam']);
    traffic.generate(300);
    expect(origins(platform).has('traffic:stop')).toBe(false);
    expect(origins(platform).has('traffic:spam')).toBe(false);
    expect(origins(platform).has('traffic:mention')).toBe(true);
    traffic.exclude([]);
    traffic.generate(300);
    expect(origins(platform).has('traffic:stop')).toBe(true);
  });

  it('without exclusions makes the same posts as before', async () => {
    const a = await setup(9);
    const b = await setup(9);
    b.traffic.exclude([]);
    a.traffic.generate(50);
    b.traffic.generate(50);
    const texts = (p: SandboxPlatform) => p.groundTruth().map((x) => [x.author, x.text, x.origin]);
    expect(texts(a.platform)).toEqual(texts(b.platform));
  });

  it('is set through POST /admin/traffic and shown by GET', async () => {
    const { platform, traffic } = await setup();
    const app = createSandboxApp(platform, { adminToken: ADMIN, traffic });
    const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    const res = await app.request('/admin/traffic', {
      method: 'POST',
      headers,
      body: JSON.stringify({ perMin: 0, exclude: ['stop'] }),
    });
    expect(await res.json()).toEqual({ per_min: 0, running: false, excluded: ['stop'] });
    const view = await (await app.request('/admin/traffic', { headers })).json();
    expect(view).toMatchObject({ excluded: ['stop'] });
    const bad = await app.request('/admin/traffic', {
      method: 'POST',
      headers,
      body: JSON.stringify({ perMin: 1, exclude: ['nope'] }),
    });
    expect(bad.status).toBe(400);
    traffic.stop();
  });
});
