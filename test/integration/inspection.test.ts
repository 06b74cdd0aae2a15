import { createWebSocketInspector, createWebSocketReceiver } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import { afterEach, describe, expect, it } from 'vitest';
import { createReplywright } from '../../src/app/replywright.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createTemplateGenerator } from '../../src/generators/template.ts';
import { silentLogger } from '../../src/logging.ts';
import { createSandboxInProcessAdapter } from '../../src/platforms/sandbox/inProcessAdapter.ts';
import { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { freePort } from '../support/startProcess.ts';
import { tempStore } from '../support/tempStore.ts';
import { waitFor } from '../support/waitFor.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('INSPECT=1', () => {
  // Boots the whole app and waits for its first job runs to cross two WebSockets: seconds on
  // a loaded machine, more than vitest's default 5 s allows.
  it('reports job actors and entity transitions to a Stately inspector server', {
    timeout: 15_000,
  }, async () => {
    const port = await freePort();
    const server = createInspectorServer({ port, autoOpen: false });
    cleanups.push(() => server.stop());
    const received: { type: string; sessionId?: string; snapshot?: { value?: unknown } }[] = [];
    const url = `ws://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/`)).ok, {
      what: 'the inspector server',
    });
    // The server replays what it has seen to each new client: a probe's snapshot reaching the
    // receiver shows the receiver connected, before the app sends anything.
    const probe = createWebSocketInspector({ url });
    cleanups.push(() => probe.stop());
    probe.snapshot('probe', { value: 'connected', status: 'active' });
    createWebSocketReceiver({ server: url }).subscribe((event: { type: string }) => received.push(event));
    await waitFor(() => received.some((e) => e.sessionId === 'probe'), { what: 'the receiver to connect' });

    const t = await tempStore();
    cleanups.push(t.cleanup);
    const config = loadConfig({
      INSPECT: '1',
      REPLYWRIGHT_INSPECT_URL: url,
      REPLYWRIGHT_MIN_SPACING_SEC: '0',
    });
    const platform = await SandboxPlatform.open(':memory:', { seed: 3, clock: { now: Date.now } as never });
    cleanups.push(() => platform.close());
    platform.ensureUser({ handle: 'nora', displayName: 'Nora' });
    platform.createPost({
      author: 'nora',
      text: '@replywright_bot what does a permit protect against exactly?',
    });
    const app = await createReplywright({
      config,
      log: silentLogger,
      platform: createSandboxInProcessAdapter({ platform }),
      generator: createTemplateGenerator(),
      store: t.store,
    });
    cleanups.push(() => app.stop());
    await app.start();
    await waitFor(
      () =>
        received.some((e) => e.sessionId?.startsWith('c_sandbox_')) &&
        received.some((e) => e.type === '@xstate.actor' && e.sessionId !== 'probe'),
      { what: 'inspection events', timeoutMs: 10_000 },
    );
    expect(received.some((e) => e.type === '@xstate.snapshot' && e.sessionId?.startsWith('c_sandbox_'))).toBe(
      true,
    );
  });
});
