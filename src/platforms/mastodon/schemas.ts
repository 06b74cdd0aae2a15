import { z } from 'zod';

/**
 * What the adapter reads of Mastodon's entities, as the `masto` client hands them over
 * (keys camelCased). Validated at the boundary: an item that does not fit becomes
 * `page.invalid` with the reason, never a crash. Unknown fields pass.
 */
const id = z.string().min(1).max(64);

export const accountSchema = z.looseObject({
  id,
  username: z.string().min(1),
  acct: z.string().min(1),
  bot: z.boolean().nullish(),
  followersCount: z.number().int().nonnegative().nullish(),
});

export const mentionSchema = z.looseObject({ id, username: z.string(), acct: z.string().min(1) });

export const statusSchema = z.looseObject({
  id,
  createdAt: z.string().min(1),
  inReplyToId: id.nullish(),
  inReplyToAccountId: id.nullish(),
  content: z.string(),
  visibility: z.string(),
  account: accountSchema,
  mentions: z.array(mentionSchema).default([]),
  favouritesCount: z.number().int().nonnegative().nullish(),
  reblogsCount: z.number().int().nonnegative().nullish(),
  repliesCount: z.number().int().nonnegative().nullish(),
  reblog: z.unknown().nullish(),
  editedAt: z.string().nullish(),
});

export const notificationSchema = z.looseObject({
  id,
  type: z.string(),
  status: statusSchema.nullish(),
});

export const sourceSchema = z.looseObject({ id, text: z.string() });

export const instanceSchema = z.looseObject({
  domain: z.string().min(1).nullish(),
  configuration: z.looseObject({
    statuses: z.looseObject({
      maxCharacters: z.number().int().positive(),
      charactersReservedPerUrl: z.number().int().nonnegative().nullish(),
    }),
  }),
});

export type MastodonAccount = z.infer<typeof accountSchema>;
export type MastodonStatus = z.infer<typeof statusSchema>;

/** The first problem of a failed parse, as `path: message`. */
export function firstIssue(error: z.ZodError, what: string): string {
  const issue = error.issues[0]!;
  return `${what}${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`;
}
