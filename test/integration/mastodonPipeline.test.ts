import { afterEach, describe, expect, it } from 'vitest';
import type { JobName } from '../../machines/job.ts';
import { createReplywright, type Replywright } from '../../src/app/replywright.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createTemplateGenerator } from '../../src/generators/template.ts';
import type { ReplyGenerator } from '../../src/generators/types.ts';
import { silentLogger } from '../../src/logging.ts';
import { mastodonFromConfig } from '../../src/platforms/mastodon/fromConfig.ts';
import { seededIds } from '../../src/runtime/ids.ts';
import { seededRandom } from '../../src/runtime/random.ts';
import { SIM_INTERVALS } from '../../src/sim/simulation.ts';
import {
  MASTODON_BOT as BOT,
  MASTODON_TOKEN,
  type MastodonSandbox,
  serveMastodonSandbox,
} from '../support/mastodonSandbox.ts';
import { tempStore } from '../support/tempStore.ts';

/**
 * The whole pipeline with REPLYWRIGHT_PLATFORM=mastodon on the sandbox's Mastodon dialect:
 * the adapter as configured (mastodonFromConfig, the sandbox's URL and bot token), the real
 * `masto` client over HTTP, the simulated clock shared by the sandbox and the pipeline.
 */
interface Fixture {
  s: MastodonSandbox;
  app: Replywright;
  /** Permit states and the ghosts the reconciler recorded: the pipeline's own account of it. */
  books(): { permits: string[]; ghosts: number };
  cycles(n: number): Promise<void>;
  botReplies(): Promise<{ id: string; in_reply_to_id: string | null; visibility: string; text: string }[]>;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fixture(options: { generator?: ReplyGenerator } = {}): Promise<Fixture> {
  const s = await serveMastodonSandbox();
  cleanups.push(() => s.stop());
  const t = await tempStore();
  cleanups.push(() => t.cleanup());
  const config = loadConfig({
    REPLYWRIGHT_PLATFORM: 'mastodon',
    REPLYWRIGHT_MIN_SPACING_SEC: '0',
    REPLYWRIGHT_CAP_PER_HOUR: '100',
    REPLYWRIGHT_CAP_PER_DAY: '1000',
    REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: '0',
    REPLYWRIGHT_SEARCH_QUERIES: '',
  });
  const platform = mastodonFromConfig(config, { sandboxUrl: s.url, sandboxToken: MASTODON_TOKEN });
  const app = await createReplywright({
    config,
    log: silentLogger,
    platform,
    generator: options.generator ?? createTemplateGenerator(),
    clock: s.clock,
    ids: seededIds(seededRandom(7), () => s.clock.now()),
    intervals: SIM_INTERVALS,
    store: t.store,
    supervise: false,
  });
  await app.start();
  cleanups.push(() => app.stop());
  const run = (job: JobName) => s.clock.settleWhileAdvancing(app.runOnce(job));
  return {
    s,
    app,
    books: () => ({
      permits: (
        t.store.statement('select state from permits order by created_at').all() as { state: string }[]
      ).map((p) => p.state),
      ghosts: (t.store.statement('select count(*) as n from ghosts').get() as { n: number }).n,
    }),
    async cycles(n) {
      for (let i = 0; i < n; i++) {
        for (const job of ['fetch', 'scheduler', 'poster', 'reconciler'] as const) await run(job);
        await s.clock.advance(60_000);
      }
    },
    botReplies: () => s.groundTruth(BOT),
  };
}

const question = (n: number) => `@${BOT} how do I keep a bot from posting twice after a crash? (${n})`;

describe('the pipeline on Mastodon (the sandbox’s Mastodon dialect)', () => {
  it('a mention gets exactly one reply, public like the mention, starting with the author’s @acct', async () => {
    const f = await fixture();
    const mention = f.s.post('alice', question(1));
    await f.cycles(4);
    const replies = await f.botReplies();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ in_reply_to_id: mention, visibility: 'public' });
    expect(replies[0]!.text).toMatch(/^@alice /);
    await f.cycles(3);
    expect(await f.botReplies()).toHaveLength(1);
  }, 60_000);

  it('a mention inside someone else’s thread gets no reply', async () => {
    const f = await fixture();
    const root = f.s.post('carol', 'A long thread about queues and retries, part one of many.');
    f.s.post('dave', `@${BOT} what do you think about this thread on retries?`, { inReplyToId: root });
    await f.cycles(4);
    expect(await f.botReplies()).toEqual([]);
  }, 60_000);

  it('"stop" gets no reply, and the author gets none afterwards', async () => {
    const f = await fixture();
    const mention = f.s.post('alice', question(1));
    await f.cycles(3);
    const [reply] = await f.botReplies();
    expect(reply?.in_reply_to_id).toBe(mention);
    f.s.post('alice', 'stop', { inReplyToId: reply!.id });
    await f.cycles(2);
    f.s.post('alice', question(2));
    await f.cycles(4);
    expect(await f.botReplies()).toHaveLength(1);
  }, 60_000);

  it('a direct mention is answered direct, to its author only', async () => {
    const f = await fixture();
    const secret = f.s.post('bob', question(3), { visibility: 'direct' });
    const unlisted = f.s.post('erin', question(4), { visibility: 'unlisted' });
    await f.cycles(4);
    const replies = await f.botReplies();
    expect(replies).toHaveLength(2);
    expect(replies.find((r) => r.in_reply_to_id === secret)).toMatchObject({ visibility: 'direct' });
    expect(replies.find((r) => r.in_reply_to_id === secret)!.text).toMatch(/^@bob /);
    expect(replies.find((r) => r.in_reply_to_id === unlisted)).toMatchObject({ visibility: 'unlisted' });
  }, 60_000);

  it('another server’s account is answered in full (@user@domain) and the pipeline knows the reply as its own', async () => {
    const f = await fixture();
    const remote = f.s.post('carol@elsewhere.example', question(5));
    await f.cycles(5);
    const replies = await f.botReplies();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ in_reply_to_id: remote });
    expect(replies[0]!.text).toMatch(/^@carol@elsewhere\.example /);
    expect(f.books()).toEqual({ permits: ['used'], ghosts: 0 });
  }, 60_000);

  it('a generator that leaves the mention out: the adapter adds it, and the reply is still the permit’s own', async () => {
    const bare: ReplyGenerator = {
      name: 'bare',
      generate: async () => ({ text: 'Thanks for the question, we are on it.', model: null, costUsd: 0 }),
    };
    const f = await fixture({ generator: bare });
    const mention = f.s.post('alice', question(6));
    await f.cycles(5);
    const replies = await f.botReplies();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ in_reply_to_id: mention });
    expect(replies[0]!.text).toBe(`@alice@${new URL(f.s.url).host} Thanks for the question, we are on it.`);
    expect(f.books()).toEqual({ permits: ['used'], ghosts: 0 });
  }, 60_000);

  it('a response lost after the status was made ends in exactly one reply, found by the own-reply lookup', async () => {
    const f = await fixture();
    await f.s.admin('/admin/faults', { dropResponseRate: 1 });
    // Another server's account: the adapter puts @carol@elsewhere.example in front, and the
    // lookup must still know the status as this permit's reply.
    const mention = f.s.post('carol@elsewhere.example', question(7));
    await f.cycles(3);
    await f.s.admin('/admin/faults', { dropResponseRate: 0 });
    await f.cycles(6);
    const replies = await f.botReplies();
    expect(replies.map((r) => r.in_reply_to_id)).toEqual([mention]);
    expect(f.books()).toEqual({ permits: ['used'], ghosts: 0 });
  }, 60_000);
});
