import type { Config } from '../config/config.ts';

/**
 * The proof's thresholds. Defaults are the seed report's; the queue target follows the
 * configured low watermark, and any target can be overridden with a spec such as
 * `queueSize=5,permitsUsed=2` (CLI `--target`, config `REPLYWRIGHT_PROOF_TARGETS`).
 */
export interface ProofTargets {
  fetchStarted: number;
  fetchCompleted: number;
  queueSize: number;
  schedulerStarted: number;
  sloEvents: number;
  permitsCreated: number;
  permitsUsed: number;
  /** The most ghosts allowed in the window (the seed's "no ghosts": 0). */
  ghostsMax: number;
}

export const DEFAULT_TARGETS: ProofTargets = {
  fetchStarted: 3,
  fetchCompleted: 2,
  queueSize: 10,
  schedulerStarted: 2,
  sloEvents: 2,
  permitsCreated: 2,
  permitsUsed: 1,
  ghostsMax: 0,
};

export class TargetSpecError extends Error {
  override name = 'TargetSpecError';
}

/** Parses `key=value[,key=value]`; throws TargetSpecError naming the bad part. */
export function parseTargetSpec(spec: string): Partial<ProofTargets> {
  const out: Partial<ProofTargets> = {};
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [key, value] = part.split('=');
    if (!key || !(key in DEFAULT_TARGETS)) throw new TargetSpecError(`unknown proof target "${key ?? part}"`);
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new TargetSpecError(`proof target ${key} must be a whole number ≥ 0`);
    out[key as keyof ProofTargets] = n;
  }
  return out;
}

/** Defaults, then the configured queue watermark, then REPLYWRIGHT_PROOF_TARGETS, then explicit overrides. */
export function resolveTargets(
  config?: Pick<Config, 'REPLYWRIGHT_QUEUE_LOW_WATERMARK' | 'REPLYWRIGHT_PROOF_TARGETS'>,
  overrides: Partial<ProofTargets> = {},
): ProofTargets {
  const fromConfig: Partial<ProofTargets> = config
    ? { queueSize: config.REPLYWRIGHT_QUEUE_LOW_WATERMARK }
    : {};
  const spec = config?.REPLYWRIGHT_PROOF_TARGETS;
  return { ...DEFAULT_TARGETS, ...fromConfig, ...(spec ? parseTargetSpec(spec) : {}), ...overrides };
}
