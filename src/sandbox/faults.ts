import { z } from 'zod';
import type { Clock } from '../runtime/clock.ts';
import { seededRandom } from '../runtime/random.ts';
import type { MetaStore } from './meta.ts';
import type { SandboxPlatform } from './platform.ts';
import { SandboxError, type SandboxPost } from './types.ts';

/**
 * What can go wrong on the sandbox, settable at runtime (persisted with the platform).
 * Every request to the API (HTTP or in-process) first waits `latencyMs`, then may be
 * rate-limited, then may fail with a 500 before doing anything. A create that succeeded may
 * then lose its response (`dropResponseRate`): the post exists, the caller cannot know.
 */
export const faultConfigSchema = z
  .object({
    errorRate: z.number().min(0).max(1),
    latencyMs: z.number().int().min(0).max(60_000),
    /** Each request triggers a rate-limit window with probability `rate429`; it lasts `resetAfterMs`. */
    rateLimit: z
      .object({
        rate429: z.number().min(0).max(1),
        resetAfterMs: z.number().int().min(1).max(3_600_000),
      })
      .strict()
      .nullable(),
    dropResponseRate: z.number().min(0).max(1),
  })
  .strict();

export type FaultConfig = z.infer<typeof faultConfigSchema>;

export const faultPatchSchema = faultConfigSchema.partial().strict();
export type FaultPatch = z.infer<typeof faultPatchSchema>;

export const NO_FAULTS: FaultConfig = { errorRate: 0, latencyMs: 0, rateLimit: null, dropResponseRate: 0 };

export type FaultDecision = { kind: 'ok' } | { kind: 'error' } | { kind: 'rate_limited'; resetAt: number };

export type MutateAction = 'delete' | 'make_reply';

const GHOST_TEXTS = [
  'Scheduled maintenance tonight, replies may be slower than usual.',
  'Thanks everyone for the thoughtful questions this week!',
  'Glad this helped. Let us know how it goes.',
  'Interesting point, we will look into it.',
  'Reminder: you can always reply "stop" and we will not reply again.',
];

const FAULTS_KEY = 'faults';
const RATE_LIMIT_KEY = 'rate_limited_until';

/** Fault injection and the admin's out-of-pipeline actions (ghost posts, mutated targets). */
export class SandboxFaults {
  readonly #platform: SandboxPlatform;
  readonly #meta: MetaStore;
  readonly #clock: Clock;
  readonly #random: () => number;

  constructor(platform: SandboxPlatform, meta: MetaStore, clock: Clock, seed: number) {
    this.#platform = platform;
    this.#meta = meta;
    this.#clock = clock;
    this.#random = seededRandom((seed ^ 0x5eedfa17) >>> 0);
  }

  get config(): FaultConfig {
    const stored = this.#meta.get(FAULTS_KEY);
    if (stored === null) return { ...NO_FAULTS };
    const parsed = faultConfigSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : { ...NO_FAULTS };
  }

  /** Merges `patch` into the config; throws SandboxError(400) and changes nothing when invalid. */
  update(patch: FaultPatch): FaultConfig {
    const parsed = faultConfigSchema.safeParse({ ...this.config, ...patch });
    if (!parsed.success)
      throw new SandboxError(400, `invalid fault config: ${parsed.error.issues[0]?.message}`);
    this.#meta.set(FAULTS_KEY, JSON.stringify(parsed.data));
    if (parsed.data.rateLimit === null) this.#meta.set(RATE_LIMIT_KEY, '0');
    return parsed.data;
  }

  reset(): FaultConfig {
    return this.update(NO_FAULTS);
  }

  /** End of the current rate-limit window, or null when not rate-limited. */
  get rateLimitedUntil(): number | null {
    const until = Number(this.#meta.get(RATE_LIMIT_KEY) ?? '0');
    return until > this.#clock.now() ? until : null;
  }

  /** Decides the fate of one request before it does anything. */
  admit(): FaultDecision {
    const config = this.config;
    const limitedUntil = this.rateLimitedUntil;
    if (limitedUntil !== null) return { kind: 'rate_limited', resetAt: limitedUntil };
    if (config.rateLimit && this.#chance(config.rateLimit.rate429)) {
      const resetAt = this.#clock.now() + config.rateLimit.resetAfterMs;
      this.#meta.set(RATE_LIMIT_KEY, String(resetAt));
      return { kind: 'rate_limited', resetAt };
    }
    if (this.#chance(config.errorRate)) return { kind: 'error' };
    return { kind: 'ok' };
  }

  /** Asked after a create succeeded: should its response be lost? */
  dropResponse(): boolean {
    return this.#chance(this.config.dropResponseRate);
  }

  /** A post on the bot's account that no pipeline made: a root post, or a reply to a random post. */
  ghost(kind?: 'root' | 'reply'): SandboxPost {
    const account = this.#platform.account;
    const targets = this.#platform.latest(50).filter((p) => p.author !== account);
    const asReply = kind === 'reply' || (kind === undefined && targets.length > 0 && this.#random() < 0.5);
    const target = asReply ? this.#pick(targets) : undefined;
    if (asReply && !target) throw new SandboxError(409, 'no post to reply to');
    const text = this.#pick(GHOST_TEXTS)!;
    return this.#platform.createPost({
      author: account,
      text: target ? `@${target.author} ${text}` : text,
      inReplyToId: target?.id ?? null,
      origin: 'ghost',
    }).post;
  }

  /** Deletes post `id`, or turns root post `id` into a reply to some other post. */
  mutateTarget(id: string, action: MutateAction): SandboxPost {
    if (action === 'delete') return this.#platform.deletePost(id);
    const post = this.#platform.getPost(id);
    if (!post) throw new SandboxError(404, `post ${id} not found`);
    const parents = this.#platform.latest(50).filter((p) => p.rootId !== id && p.id !== id);
    const parent = this.#pick(parents);
    if (!parent) throw new SandboxError(409, `no other conversation to move post ${id} into`);
    return this.#platform.reparent(id, parent.id);
  }

  #chance(probability: number): boolean {
    return probability > 0 && this.#random() < probability;
  }

  #pick<T>(items: readonly T[]): T | undefined {
    return items.length ? items[Math.floor(this.#random() * items.length)] : undefined;
  }
}
