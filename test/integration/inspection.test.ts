import { createWebSocketReceiver } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import { afterEach, describe, expect, it } from 'vitest';
import { createReplywright } from '../../src/app/replywright.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createTemplateGenerator } from '../../src/generators/template.ts';
import { silentLogger } from '../../src/logging.ts';
import { createSandboxInProcessAdapter } from '../../src/platforms/sandbox/inProcessAdapter.ts';
import { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { freePort, waitFor } from '../support/startProcess.ts';
import { tempStore } from '../support/tempStore.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('INSPECT=1', () => {
  it('reports job actors and entity transitions to a Stately inspector server', async () => {
    const port = await freePort();
    const server = createInspectorServer({ port, autoOpen: false });
    cleanups.push(() => server.stop());
    const received: { type: string; sessionId?: string; snapshot?: { value?: unknown } }[] = [];
    const url = `ws://127.0.0.1:${port}`;
    await new Promise((r) => setTimeout(r, 200));
    createWebSocketReceiver({ server: url }).subscribe((event: { type: string }) => received.push(event));
    await new Promise((r) => setTimeout(r, 200));

    const t = await tempStore();
    cleanups.push(t.cleanup);
    const config = loadConfig({ INSPECT: '1', REPLYWRIGHT_INSPECT_URL: url, REPLYWRIGHT_MIN_SPACING_SEC: '0' });
    const platform = await SandboxPlatform.open(':memory:', { seed: 3, clock: { now: Date.now } as never });
    cleanups.push(() => platform.close());
    platform.ensureUser({ handle: 'nora', displayName: 'Nora' });
    platform.createPost({ author: 'nora', text: '@replywright_bot what does a permit protect against exactly?' });
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
      'inspection events',
      async () => (received.some((e) => e.sessionId?.startsWith('c_sandbox_')) && received.some((e) => e.type === '@xstate.actor') ? true : null),
      15_000,
    );
    expect(received.some((e) => e.type === '@xstate.snapshot' && e.sessionId?.startsWith('c_sandbox_'))).toBe(true);
  }, 30_000);
});
