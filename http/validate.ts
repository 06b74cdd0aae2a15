import type { Context } from 'hono';
import { z } from 'zod';
import { parseDuration } from '../src/proof/duration.ts';
import { readBodyText } from './bodyLimit.ts';
import { HttpError } from './errors.ts';

/**
 * zod-checked inputs. A malformed query, param or body is a 400 naming the field, raised
 * before the handler changes anything.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : where;
  throw new HttpError(400, 'bad_request', `invalid ${where} ${field}: ${issue?.message ?? 'malformed'}`);
}

export function query<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query(), 'query');
}

export function params<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.param(), 'param');
}

/** An optional JSON body: empty is `{}`; anything not JSON is a 400; above the body limit a 413. */
export async function optionalJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await readBodyText(c.req.raw);
  if (text.trim() === '') return parseWith(schema, {}, 'body');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'bad_request', 'body is not valid JSON');
  }
  return parseWith(schema, value, 'body');
}

/** An entity id: letters, digits, `_`, `-`, `.`, `:`; at most 128 characters. */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'expected an id of letters, digits, _ - . :');

/** A window such as `30m`, `2h`, `90s` (at most 30 days), in milliseconds. */
export const windowSchema = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return 30 * 60_000;
    const ms = parseDuration(value);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration such as 30m, 2h or 90s (at most 30d)' });
      return z.NEVER;
    }
    return ms;
  });
