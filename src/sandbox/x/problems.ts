/**
 * X API v2's error bodies, as its clients parse them: a "problem" with `title`, `detail`,
 * `type` and `status`, and for invalid requests an `errors` list naming the parameters.
 */
export interface XProblemBody {
  title: string;
  detail: string;
  type: string;
  status?: number;
  errors?: { message: string; parameters?: Record<string, string[]> }[];
}

/** Thrown by the dialect's handlers; the routes answer with its status and body. */
export class XProblem extends Error {
  override name = 'XProblem';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 429 | 500 | 503,
    readonly body: XProblemBody,
  ) {
    super(`${body.title}: ${body.detail}`);
  }
}

export const DUPLICATE_CONTENT = 'You are not allowed to create a Tweet with duplicate content.';
export const NOT_SUMMONED =
  'Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.';
export const REPLY_TARGET_GONE = 'You attempted to reply to a Tweet that is deleted or not visible to you.';

export function forbidden(detail: string): XProblem {
  return new XProblem(403, { title: 'Forbidden', detail, type: 'about:blank', status: 403 });
}

export function unauthorized(): XProblem {
  return new XProblem(401, {
    title: 'Unauthorized',
    detail: 'Unauthorized',
    type: 'about:blank',
    status: 401,
  });
}

export function tooManyRequests(): XProblem {
  return new XProblem(429, {
    title: 'Too Many Requests',
    detail: 'Too Many Requests',
    type: 'about:blank',
    status: 429,
  });
}

export function serviceUnavailable(): XProblem {
  return new XProblem(503, {
    title: 'Service Unavailable',
    detail: 'Service Unavailable',
    type: 'about:blank',
    status: 503,
  });
}

/** One invalid parameter, in X's invalid-request shape. */
export function invalidParameter(name: string, value: string, message: string): XProblem {
  return new XProblem(400, {
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.twitter.com/2/problems/invalid-request',
    errors: [{ parameters: { [name]: [value] }, message }],
  });
}

/** X answers a lookup of a missing (or deleted) resource with 200 and this in `errors`. */
export function resourceNotFound(
  resourceType: 'tweet' | 'user',
  parameter: 'id' | 'username',
  value: string,
) {
  const noun = `${resourceType} with ${parameter}`;
  return {
    value,
    detail: `Could not find ${noun}: [${value}].`,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter,
    resource_id: value,
    type: 'https://api.twitter.com/2/problems/resource-not-found',
  };
}
