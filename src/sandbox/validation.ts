import type { Context } from 'hono';
import type { z } from 'zod';
import { readLimitedText } from '../edge/limitedBody.ts';
import { SandboxError } from './types.ts';

/**
 * The sandbox's body limit: a post's 500 characters can take 6 KB as escaped JSON
 * (`\ud83d\ude00` per emoji), so 16 KB; every body of its routes is far smaller.
 */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** Parses `value` with `schema`, or throws a 400 naming the first problem. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  throw new SandboxError(400, `invalid ${what}: ${where}${issue.message}`);
}

/**
 * The request's JSON body; an empty body is `{}`, malformed JSON is a 400, and more than
 * BODY_LIMIT_BYTES throws BodyTooLarge (a 413). Call it after the route's token check.
 */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await readLimitedText(c.req.raw, BODY_LIMIT_BYTES);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SandboxError(400, 'invalid body: not valid JSON');
  }
}
