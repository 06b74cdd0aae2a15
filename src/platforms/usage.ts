/**
 * One call an adapter made to a paid platform API, as the spend ledger prices it. Reads are
 * billed per resource returned (X: once per resource per UTC day); writes per request.
 */
export type PriceUnit = 'ownedRead' | 'read' | 'userRead' | 'reply' | 'post' | 'urlPost' | 'free';

export const PRICE_UNITS = [
  'ownedRead',
  'read',
  'userRead',
  'reply',
  'post',
  'urlPost',
  'free',
] as const satisfies readonly PriceUnit[];

export interface PlatformCall {
  platform: string;
  /** What the adapter was doing: `mentions`, `get_post`, `create_reply`, … */
  operation: string;
  at: number;
  /** `unknown`: a create whose outcome is unknown, priced as if it posted. */
  outcome: 'ok' | 'failed' | 'unknown';
  unit: PriceUnit;
  /** For reads: the ids of the resources returned. */
  resources: readonly string[];
}

export type CallRecorder = (call: PlatformCall) => void;
