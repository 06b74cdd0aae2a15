import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { z } from 'zod';

/**
 * Where a site keeps its compose UI, as data: a per-site JSON profile (`profiles/<name>.json`).
 * Elements are found by ARIA role + accessible name (or by label), never by CSS, so a
 * restyled page keeps working; another compose UI needs only a new JSON file.
 */
const roles = ['textbox', 'searchbox', 'button', 'link', 'combobox', 'checkbox', 'menuitem'] as const;

const elementSchema = z.union([
  z.object({ role: z.enum(roles), name: z.string().min(1), exact: z.boolean().default(true) }).strict(),
  z.object({ label: z.string().min(1), exact: z.boolean().default(true) }).strict(),
]);

const pathTemplate = z
  .string()
  .min(1)
  .regex(/^(\/|https?:\/\/)/, 'expected a path or an absolute URL');

export const browserProfileSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9_-]{1,40}$/),
    /** The target post's page; `{postId}` is replaced by the URL-encoded id. Relative to the base URL. */
    postUrl: pathTemplate.refine((s) => s.includes('{postId}'), 'postUrl needs {postId}'),
    composer: elementSchema,
    submit: elementSchema,
    /** The request the Post button makes; its response carries the new post's id. */
    createCall: z
      .object({
        method: z.enum(['POST', 'PUT']),
        path: z.string().refine(isRegExp, 'not a valid regular expression'),
      })
      .strict(),
    /**
     * Where the site's composer can carry the permit's idempotency key (a query parameter of
     * the post page its create call sends on), so a repeated click cannot post twice. Sites
     * without one leave it out: the own-reply lookup before every attempt is all there is.
     */
    keyParam: z
      .string()
      .regex(/^[a-z_]{1,20}$/)
      .optional(),
    /** Dot path of the new id in the create call's JSON response, e.g. `id` or `data.post.id`. */
    newIdPath: z.string().regex(/^[A-Za-z0-9_$]+(\.[A-Za-z0-9_$]+)*$/),
    /** Shown instead of the composer when the session is gone. */
    loggedOut: elementSchema.optional(),
    /** A login form replywright may fill itself (the sandbox only; real sites get a saved session). */
    login: z
      .object({ url: pathTemplate, handle: elementSchema, password: elementSchema, submit: elementSchema })
      .strict()
      .optional(),
    timeouts: z
      .object({
        navigationMs: z.number().int().min(100).max(60_000).default(10_000),
        composerMs: z.number().int().min(100).max(60_000).default(5_000),
        responseMs: z.number().int().min(100).max(60_000).default(10_000),
      })
      .strict()
      .default({ navigationMs: 10_000, composerMs: 5_000, responseMs: 10_000 }),
  })
  .strict();

export type BrowserProfile = z.infer<typeof browserProfileSchema>;
export type ElementSpec = z.infer<typeof elementSchema>;

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/**
 * A built-in profile by name (`sandbox`), or a JSON file by path (`./my-site.json`).
 *
 * @example const profile = loadProfile('sandbox'); // src/platforms/browser/profiles/sandbox.json
 */
export function loadProfile(nameOrPath: string): BrowserProfile {
  const file = nameOrPath.endsWith('.json')
    ? nameOrPath
    : new URL(`./profiles/${nameOrPath.replace(/[^a-z0-9_-]/gi, '')}.json`, import.meta.url);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `browser profile ${nameOrPath}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = browserProfileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`browser profile ${nameOrPath}: ${issue.path.join('.') || 'profile'}: ${issue.message}`);
  }
  return parsed.data;
}

/** An absolute URL from a profile template. */
export function profileUrl(template: string, baseUrl: string, postId?: string): string {
  const path = postId === undefined ? template : template.replaceAll('{postId}', encodeURIComponent(postId));
  return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
}

export function locate(page: Page, spec: ElementSpec): Locator {
  if ('role' in spec) return page.getByRole(spec.role, { name: spec.name, exact: spec.exact });
  return page.getByLabel(spec.label, { exact: spec.exact });
}

/** Does this request/response belong to the profile's create call? */
export function isCreateCall(profile: BrowserProfile, method: string, url: string): boolean {
  if (method.toUpperCase() !== profile.createCall.method) return false;
  return new RegExp(profile.createCall.path).test(new URL(url).pathname);
}

/** The new post id at `newIdPath` in the create call's JSON, or null. */
export function newPostId(profile: BrowserProfile, body: unknown): string | null {
  let value: unknown = body;
  for (const key of profile.newIdPath.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return null;
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return typeof value === 'string' && value !== '' ? value : null;
}
