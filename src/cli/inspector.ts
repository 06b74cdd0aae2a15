import { createInspectorServer } from '@statelyai/inspect/server';

/**
 * `npm run inspector`: a local Stately inspector server for `INSPECT=1` (default port 8788).
 * Open the printed URL in a browser (the inspector UI itself loads from stately.ai).
 */
const port = Number(process.env.INSPECT_PORT ?? 8788);
const server = createInspectorServer({ port, autoOpen: false });
process.stdout.write(`inspector on http://127.0.0.1:${port}/ — start replywright with INSPECT=1\n`);
process.on('SIGINT', () => {
  server.stop();
  process.exit(0);
});
