import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AtpAgent } from '@atproto/api';

/**
 * A real local AT Protocol network (test/atproto-net/network.mjs: PLC, PDS, AppView from
 * @atproto/dev-env) in a child process, for the Bluesky tests. Installs the test-only package
 * first when it is missing (npm test's pretest normally has).
 */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NET_DIR = join(ROOT, 'test/atproto-net');

export interface Account {
  handle: string;
  did: string;
  password: string;
}

export interface NetworkInfo {
  service: string;
  appview: string;
  bot: Account & { appPassword: string };
  users: Account[];
  startMs: number;
}

export interface LocalNetwork extends NetworkInfo {
  /** A signed-in client for a user (by index) or the bot. */
  agent(who: number | 'bot'): Promise<AtpAgent>;
  stop(): Promise<void>;
}

export async function startLocalNetwork(args: string[] = []): Promise<LocalNetwork> {
  const ensure = (await import(join(NET_DIR, 'ensure.mjs'))) as { ensureInstalled(): Promise<boolean> };
  await ensure.ensureInstalled();
  const child = spawn(process.execPath, [join(NET_DIR, 'network.mjs'), ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const info = await readyLine(child);
  const agents = new Map<string, AtpAgent>();
  return {
    ...info,
    async agent(who) {
      const account = who === 'bot' ? info.bot : info.users[who]!;
      let agent = agents.get(account.handle);
      if (!agent) {
        agent = new AtpAgent({ service: info.service });
        await agent.login({ identifier: account.handle, password: account.password });
        agents.set(account.handle, agent);
      }
      return agent;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function readyLine(child: ChildProcess): Promise<NetworkInfo> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`local network not ready in 180 s: ${err.slice(-2000)}`)),
      180_000,
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.includes('\n')) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as NetworkInfo);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local network exited with ${code}: ${err.slice(-2000)}`));
    });
  });
}

/** A root post (or a reply) by `agent` that mentions `mention` with a facet, as clients write it. */
export async function postMentioning(
  agent: AtpAgent,
  mention: { handle: string; did: string } | null,
  text: string,
  reply?: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } },
): Promise<{ uri: string; cid: string }> {
  const body = mention ? `@${mention.handle} ${text}` : text;
  const record: Record<string, unknown> = { text: body, createdAt: new Date().toISOString() };
  if (mention) {
    record.facets = [
      {
        index: { byteStart: 0, byteEnd: Buffer.byteLength(`@${mention.handle}`) },
        features: [{ $type: 'app.bsky.richtext.facet#mention', did: mention.did }],
      },
    ];
  }
  if (reply) record.reply = reply;
  const res = await agent.post(record as Parameters<AtpAgent['post']>[0]);
  return { uri: res.uri, cid: res.cid };
}

/** The bot's own post records (the ground truth: its repo on the PDS). */
export interface BotRecord {
  uri: string;
  value: { text: string; createdAt: string; reply?: { root: { uri: string }; parent: { uri: string } } };
}

export async function botRecords(net: LocalNetwork): Promise<BotRecord[]> {
  const agent = new AtpAgent({ service: net.service });
  const out: BotRecord[] = [];
  let cursor: string | undefined;
  for (;;) {
    const res = await agent.com.atproto.repo.listRecords({
      repo: net.bot.did,
      collection: 'app.bsky.feed.post',
      limit: 100,
      cursor,
    });
    out.push(...(res.data.records as unknown as BotRecord[]));
    if (!res.data.cursor || res.data.records.length === 0) break;
    cursor = res.data.cursor;
  }
  return out;
}

/**
 * The same access token, expired: re-signed with the local PDS's development JWT secret
 * (dev-env's `jwt-secret`), so the PDS itself answers `ExpiredToken`.
 */
export function expiredCopy(accessJwt: string): string {
  const [header, payload] = accessJwt.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  const body = Buffer.from(JSON.stringify({ ...claims, iat: now - 7200, exp: now - 3600 })).toString(
    'base64url',
  );
  const signature = createHmac('sha256', 'jwt-secret').update(`${header}.${body}`).digest('base64url');
  return `${header}.${body}.${signature}`;
}
