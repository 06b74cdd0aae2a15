import type { XrpcRequest, XrpcResult } from './xrpc.ts';

/**
 * The account's `bot` self-label: a `com.atproto.label.defs#selfLabels` on its profile
 * record (`app.bsky.actor.profile/self`), which clients show as "Automated account".
 * Bluesky's rules ask automated accounts to carry it.
 */
export type BotLabelStatus = 'labelled' | 'missing';

type Call = (request: XrpcRequest, expect: readonly string[]) => Promise<XrpcResult>;

const PROFILE = { collection: 'app.bsky.actor.profile', rkey: 'self' } as const;

interface Profile {
  cid: string | null;
  value: Record<string, unknown>;
}

async function readProfile(call: Call, did: string): Promise<Profile> {
  const result = await call(
    { method: 'GET', nsid: 'com.atproto.repo.getRecord', params: { repo: did, ...PROFILE } },
    ['RecordNotFound'],
  );
  if (!result.ok) return { cid: null, value: {} };
  const body = result.body as { cid?: unknown; value?: unknown } | null;
  const value = body?.value;
  return {
    cid: typeof body?.cid === 'string' ? body.cid : null,
    value: typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {},
  };
}

function selfLabels(profile: Record<string, unknown>): string[] {
  const labels = profile.labels as { values?: unknown } | undefined;
  if (!labels || !Array.isArray(labels.values)) return [];
  return labels.values
    .map((v) => (v as { val?: unknown })?.val)
    .filter((v): v is string => typeof v === 'string');
}

export async function readBotLabel(call: Call, did: string): Promise<BotLabelStatus> {
  const profile = await readProfile(call, did);
  return selfLabels(profile.value).includes('bot') ? 'labelled' : 'missing';
}

/**
 * Adds the `bot` self-label to the profile, keeping every other field and label; a
 * compare-and-swap on the profile's cid, so a concurrent edit is not overwritten.
 */
export async function addBotLabel(call: Call, did: string): Promise<'added' | 'already'> {
  const profile = await readProfile(call, did);
  const values = selfLabels(profile.value);
  if (values.includes('bot')) return 'already';
  const record = {
    ...profile.value,
    $type: 'app.bsky.actor.profile',
    labels: {
      $type: 'com.atproto.label.defs#selfLabels',
      values: [...values, 'bot'].map((val) => ({ val })),
    },
  };
  const result = await call(
    {
      method: 'POST',
      nsid: 'com.atproto.repo.putRecord',
      body: { repo: did, ...PROFILE, record, swapRecord: profile.cid },
    },
    [],
  );
  if (!result.ok) throw new Error(`putRecord profile: ${result.error}`);
  return 'added';
}
