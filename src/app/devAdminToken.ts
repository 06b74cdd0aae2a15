import { randomBytes } from 'node:crypto';
import { closeSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openPrivateFile, privateDirectory } from '../../db/privateFiles.ts';

/**
 * Without REPLYWRIGHT_ADMIN_TOKEN, a local run still needs a token for the dashboard's
 * controls: one is generated and written next to the DB, never logged. The file is 0600 before
 * the token is in it — also when an older one is overwritten, whose mode `writeFileSync`'s
 * `mode` option would have left as it was.
 *
 * @example const { token, path } = writeDevAdminToken('./data/replywright.db') // ./data/admin-token
 */
export function writeDevAdminToken(dbPath: string): { token: string; path: string } {
  const token = randomBytes(24).toString('hex');
  const path = join(dirname(dbPath), 'admin-token');
  privateDirectory(dirname(path));
  const fd = openPrivateFile(path, 'w');
  try {
    writeSync(fd, `${token}\n`);
  } finally {
    closeSync(fd);
  }
  return { token, path };
}
