import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { SandboxPlatform } from '../sandbox/platform.ts';
import { createSandboxApp } from '../sandbox/server.ts';

/** The sandbox's HTTP face on a free loopback port, for a simulation that talks a wire format. */
export async function serveSandboxOnLoopback(
  platform: SandboxPlatform,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: createSandboxApp(platform).fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s),
    );
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
