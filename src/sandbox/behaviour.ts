import { z } from 'zod';
import type { IdempotencyCapability } from '../platforms/contract.ts';
import type { MetaStore } from './meta.ts';
import { SandboxError } from './types.ts';

/**
 * How the sandbox plays a real platform's guarantees, settable at runtime and persisted:
 * - `idempotency`: `permanent` (a repeated key returns the original post, forever), `window:N`
 *   (only within N seconds of the original, like Mastodon's hour) or `none` (X: every call posts);
 * - `visibilityLagMs`: a new post shows in listings (timelines, mentions, search) only this long
 *   after it was made, as an indexing delay would. Reads by id are immediate.
 */
export const idempotencyModeSchema = z
  .string()
  .regex(/^(permanent|none|window:\d{1,7})$/, 'expected permanent, none or window:<seconds>');

export const behaviourSchema = z
  .object({
    idempotency: idempotencyModeSchema,
    visibilityLagMs: z.number().int().min(0).max(600_000),
  })
  .strict();

export type SandboxBehaviourConfig = z.infer<typeof behaviourSchema>;
export const behaviourPatchSchema = behaviourSchema.partial().strict();
export type SandboxBehaviourPatch = z.infer<typeof behaviourPatchSchema>;

export const FRIENDLY_BEHAVIOUR: SandboxBehaviourConfig = { idempotency: 'permanent', visibilityLagMs: 0 };

const BEHAVIOUR_KEY = 'behaviour';

/** `permanent` | `none` | `window:N` → the capability an adapter on this sandbox declares. */
export function parseIdempotencyMode(mode: string): IdempotencyCapability {
  if (mode === 'permanent') return { kind: 'permanent' };
  if (mode === 'none') return { kind: 'none' };
  const match = /^window:(\d{1,7})$/.exec(mode);
  if (!match) throw new SandboxError(400, `invalid idempotency mode ${JSON.stringify(mode)}`);
  return { kind: 'window', seconds: Number(match[1]) };
}

export function formatIdempotencyMode(capability: IdempotencyCapability): string {
  return capability.kind === 'window' ? `window:${capability.seconds}` : capability.kind;
}

export class SandboxBehaviour {
  readonly #meta: MetaStore;
  #cached: SandboxBehaviourConfig | null = null;

  constructor(meta: MetaStore) {
    this.#meta = meta;
  }

  get config(): SandboxBehaviourConfig {
    if (this.#cached) return this.#cached;
    const stored = this.#meta.get(BEHAVIOUR_KEY);
    const parsed = stored === null ? null : behaviourSchema.safeParse(JSON.parse(stored));
    this.#cached = parsed?.success ? parsed.data : { ...FRIENDLY_BEHAVIOUR };
    return this.#cached;
  }

  get idempotency(): IdempotencyCapability {
    return parseIdempotencyMode(this.config.idempotency);
  }

  /** Merges `patch`; throws SandboxError(400) and changes nothing when invalid. */
  update(patch: SandboxBehaviourPatch): SandboxBehaviourConfig {
    const parsed = behaviourSchema.safeParse({ ...this.config, ...patch });
    if (!parsed.success) throw new SandboxError(400, `invalid behaviour: ${parsed.error.issues[0]?.message}`);
    this.#meta.set(BEHAVIOUR_KEY, JSON.stringify(parsed.data));
    this.#cached = parsed.data;
    return parsed.data;
  }
}
