import { openStore } from '../../db/store.ts';

/**
 * A separate writer process for backup tests: appends events in transactions of 10 rows
 * through `store.tx` until its stdin closes, then closes the store and prints its totals.
 * Prints "ready" once 50 transactions have committed.
 *
 *   node --import tsx test/support/eventWriter.ts <db>
 */
const path = process.argv[2];
if (!path) throw new Error('usage: eventWriter.ts <db>');
const store = await openStore(path);
let commits = 0;
let stopping = false;
process.stdin.on('end', () => {
  stopping = true;
});
process.stdin.resume();

function step(): void {
  if (stopping) {
    store.close();
    process.stdout.write(`${JSON.stringify({ commits })}\n`);
    return;
  }
  store.tx(() => {
    for (let row = 0; row < 10; row++) {
      store.event({
        at: Date.now(),
        type: 'backup_test_write',
        data: JSON.stringify({ commit: commits, row }),
      });
    }
  });
  commits++;
  if (commits === 50) process.stdout.write('ready\n');
  setImmediate(step);
}
step();
