import type { Clock, TimerHandle } from '../runtime/clock.ts';
import { seededRandom } from '../runtime/random.ts';
import type { NewUser, SandboxPlatform } from './platform.ts';
import {
  CHATTER,
  CLOSERS,
  KEYWORD_POSTS,
  OPENERS,
  QUESTIONS,
  REPLIES,
  REPLIES_TO_BOT,
  SHORT_TEXTS,
  SPAM_TEXTS,
  STOP_TEXTS,
} from './texts.ts';
import type { SandboxPost, TrafficKind } from './types.ts';

export const SEED_USERS: readonly NewUser[] = [
  { handle: 'alice', displayName: 'Alice Nguyen', followers: 1_240 },
  { handle: 'bob_builds', displayName: 'Bob Builds Things', followers: 310 },
  { handle: 'carol_dev', displayName: 'Carol', followers: 5_800 },
  { handle: 'dmitri_k', displayName: 'Dmitri K.', followers: 92 },
  { handle: 'erin_codes', displayName: 'Erin', followers: 2_030 },
  { handle: 'farah_writes', displayName: 'Farah Writes', followers: 14_500 },
  { handle: 'gus_ops', displayName: 'Gus (on call)', followers: 47 },
  { handle: 'hana_ml', displayName: 'Hana', followers: 880 },
  { handle: 'elonmusk_parody', displayName: 'Elon Musk (parody)', isParody: true, followers: 98_000 },
  { handle: 'taylorswift_parody', displayName: 'Not Taylor (parody)', isParody: true, followers: 41_000 },
  { handle: 'crypto_deals_4u', displayName: 'CRYPTO DEALS', followers: 3 },
  { handle: 'win_big_now', displayName: 'Win Big', followers: 11 },
];

const CROWD_NAMES = [
  'amara',
  'ben',
  'chloe',
  'diego',
  'elena',
  'felix',
  'grace',
  'hugo',
  'ines',
  'jonas',
  'kai',
  'lena',
  'mateo',
  'nadia',
  'omar',
  'priya',
  'quinn',
  'rosa',
  'sami',
  'tara',
  'umar',
  'vera',
  'wen',
  'ximena',
  'yusuf',
  'zoe',
  'arjun',
  'bea',
  'cyrus',
  'dana',
];
const CROWD_TAGS = ['dev', 'ops', 'writes', 'builds'];

/**
 * A crowd of ordinary users beyond the named ones, so that per-author cooldowns and opt-outs
 * leave the pipeline someone to talk to, as on a real account. Deterministic: same list always.
 */
export const CROWD_USERS: readonly NewUser[] = CROWD_NAMES.flatMap((name, i) =>
  CROWD_TAGS.slice(0, 2).map((tag, j) => ({
    handle: `${name}_${CROWD_TAGS[(i + j) % CROWD_TAGS.length] ?? tag}`,
    displayName: name[0]!.toUpperCase() + name.slice(1),
    followers: 40 + ((i * 7919 + j * 104_729) % 9_000),
  })),
);

const PEOPLE = [...SEED_USERS, ...CROWD_USERS]
  .filter((u) => !u.isParody && u.followers! >= 40)
  .map((u) => u.handle);
const PARODY = SEED_USERS.filter((u) => u.isParody).map((u) => u.handle);
const SPAMMERS = ['crypto_deals_4u', 'win_big_now'];

/** Roughly how often each kind of post appears. */
const MIX: readonly [TrafficKind, number][] = [
  ['mention', 24],
  ['keyword', 10],
  ['chatter', 10],
  ['reply_other', 10],
  ['reply_other_mention', 6],
  ['reply_to_account', 8],
  ['spam', 8],
  ['too_short', 7],
  ['parody', 8],
  ['stop', 5],
];
export const TRAFFIC_KINDS = MIX.map(([kind]) => kind) as readonly TrafficKind[];
const SEQ_KEY = 'traffic_seq';

export interface TrafficOptions {
  seed: number;
  /** Posts per minute of `clock`; 0 generates nothing until changed. */
  perMin?: number;
  clock?: Clock;
  /** Called when a scheduled post fails; the generator keeps going. Default: console.error. */
  onError?: (error: unknown) => void;
}

/**
 * Deterministic synthetic users posting to the sandbox. Post number n draws from a PRNG
 * seeded by (seed, n), and n is persisted, so the same seed gives the same posts, also across
 * restarts.
 *
 * @example
 * const traffic = new TrafficGenerator(platform, { seed: 42, perMin: 30 });
 * traffic.generate(10); // ten posts now
 * traffic.start();      // one post every 2 s of the platform's clock
 */
export class TrafficGenerator {
  readonly #platform: SandboxPlatform;
  readonly #seed: number;
  readonly #clock: Clock;
  #perMin: number;
  #excluded: ReadonlySet<TrafficKind> = new Set();
  #timer: TimerHandle | null = null;
  readonly #onError: (error: unknown) => void;

  constructor(platform: SandboxPlatform, options: TrafficOptions) {
    this.#platform = platform;
    this.#seed = options.seed >>> 0;
    this.#clock = options.clock ?? platform.clock;
    this.#perMin = options.perMin ?? 0;
    this.#onError = options.onError ?? ((error) => console.error('sandbox traffic: post failed', error));
    for (const user of [...SEED_USERS, ...CROWD_USERS]) platform.ensureUser(user);
  }

  get perMin(): number {
    return this.#perMin;
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  /** Kinds left out of the mix from now on (e.g. 'stop', so a long chaos run keeps its repliable authors). */
  get excluded(): TrafficKind[] {
    return [...this.#excluded];
  }

  exclude(kinds: readonly TrafficKind[]): void {
    this.#excluded = new Set(kinds);
  }

  setRate(perMin: number): void {
    this.#perMin = Math.max(0, perMin);
    if (this.running) {
      this.stop();
      this.start();
    }
  }

  start(): void {
    if (this.#timer || this.#perMin <= 0) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      try {
        this.generate(1);
      } catch (error) {
        // A timer callback must not throw into the event loop; one lost post is fine.
        this.#onError(error);
      }
      this.start();
    }, 60_000 / this.#perMin);
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  /** Creates `n` posts now and returns them. */
  generate(n: number): SandboxPost[] {
    const posts: SandboxPost[] = [];
    for (let i = 0; i < n; i++) {
      const seq = Number(this.#platform.meta.get(SEQ_KEY) ?? '0');
      this.#platform.meta.set(SEQ_KEY, String(seq + 1));
      posts.push(this.#one(seededRandom((this.#seed ^ Math.imul(seq + 1, 0x9e3779b1)) >>> 0)));
    }
    return posts;
  }

  #one(random: () => number): SandboxPost {
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const bot = this.#platform.account;
    const at = `@${bot}`;
    const kind = this.#fallback(pickKind(random(), this.#excluded));
    const person = pick(PEOPLE);
    const question = () => {
      const opener = pick(OPENERS);
      const closer = pick(CLOSERS);
      return random() < 0.5
        ? `${opener} ${at}, ${pick(QUESTIONS)} ${closer}`.trim()
        : `${at} ${pick(QUESTIONS)} ${closer}`.trim();
    };
    const post = (author: string, text: string, inReplyToId: string | null = null) =>
      this.#platform.createPost({
        author,
        text,
        inReplyToId,
        origin: `traffic:${kind}`,
        likes: Math.floor(random() ** 3 * 200),
        reposts: Math.floor(random() ** 3 * 40),
      }).post;

    switch (kind) {
      case 'mention':
        return post(person, question());
      case 'parody':
        return post(pick(PARODY), question());
      case 'keyword':
        return post(person, pick(KEYWORD_POSTS));
      case 'chatter':
        return post(person, pick(CHATTER));
      case 'spam':
        return post(pick(SPAMMERS), random() < 0.5 ? `${pick(SPAM_TEXTS)} ${at}` : pick(SPAM_TEXTS));
      case 'too_short':
        return post(person, random() < 0.5 ? `${pick(SHORT_TEXTS)} ${at}` : `${at} ${pick(SHORT_TEXTS)}`);
      case 'reply_other':
      case 'reply_other_mention': {
        const target = pick(this.#others());
        const author = pick(PEOPLE.filter((h) => h !== target.author));
        const text = pick(REPLIES);
        return post(author, kind === 'reply_other' ? text : `${text} ${at} what do you think?`, target.id);
      }
      case 'reply_to_account': {
        const target = pick(this.#platform.latest(30, bot));
        const text = pick(REPLIES_TO_BOT);
        return post(person, random() < 0.5 ? `${at} ${text}` : capitalize(text), target.id);
      }
      case 'stop': {
        const target = pick(this.#botReplies());
        const author =
          target.inReplyToAuthor && target.inReplyToAuthor !== bot ? target.inReplyToAuthor : person;
        return post(author, pick(STOP_TEXTS), target.id);
      }
    }
  }

  /** Replies need something to reply to; early on, fall back to a mention. */
  #fallback(kind: TrafficKind): TrafficKind {
    if ((kind === 'reply_other' || kind === 'reply_other_mention') && this.#others().length === 0)
      return 'mention';
    if (kind === 'reply_to_account' && this.#platform.latest(1, this.#platform.account).length === 0)
      return 'mention';
    if (kind === 'stop' && this.#botReplies().length === 0) return 'mention';
    return kind;
  }

  #others(): SandboxPost[] {
    return this.#platform
      .latest(30)
      .filter((p) => p.author !== this.#platform.account && PEOPLE.includes(p.author) && p.text.length >= 20);
  }

  #botReplies(): SandboxPost[] {
    return this.#platform.latest(30, this.#platform.account).filter((p) => p.inReplyToId !== null);
  }
}

function pickKind(r: number, excluded: ReadonlySet<TrafficKind>): TrafficKind {
  const mix = excluded.size ? MIX.filter(([kind]) => !excluded.has(kind)) : MIX;
  let acc = r * mix.reduce((sum, [, w]) => sum + w, 0);
  for (const [kind, weight] of mix) {
    acc -= weight;
    if (acc < 0) return kind;
  }
  return 'mention';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
