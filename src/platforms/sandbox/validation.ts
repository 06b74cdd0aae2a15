import type { Context } from 'hono';
import type { z } from 'zod';
import { SandboxError } from './types.ts';

/** Parses `value` with `schema`, or throws a 400 naming the first problem. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  throw new SandboxError(400, `invalid ${what}: ${where}${issue.message}`);
}

/** The request's JSON body; an empty body is `{}`, malformed JSON is a 400. */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SandboxError(400, 'invalid body: not valid JSON');
  }
}
