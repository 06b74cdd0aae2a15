// Installs this test-only package (the local AT Protocol network) from its own lockfile when
// it is missing or stale. Run by `npm test` (pretest) and by the Bluesky tests themselves, so
// the product's `npm ci` stays lean. Parallel callers wait on one lock; the install is stamped
// with the lockfile's hash so a changed lockfile reinstalls.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const stamp = join(here, 'node_modules', '.replywright-lock-sha256');
const lock = join(here, '.installing');
const want = createHash('sha256')
  .update(readFileSync(join(here, 'package-lock.json')))
  .digest('hex');

const installed = () => existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want;

export async function ensureInstalled({ quiet = false } = {}) {
  if (installed()) return false;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another process installs; a lock older than 15 minutes is a dead one.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 15 * 60_000)
        rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (installed()) return false;
    }
  }
  try {
    if (installed()) return false;
    const started = Date.now();
    if (!quiet)
      process.stderr.write(
        'test/atproto-net: installing the local AT Protocol network (npm ci; compiles better-sqlite3, a few minutes once)\n',
      );
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: here,
      stdio: quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'],
    });
    writeFileSync(stamp, `${want}\n`);
    if (!quiet)
      process.stderr.write(`test/atproto-net: installed in ${Math.round((Date.now() - started) / 1000)} s\n`);
    return true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await ensureInstalled();
}
