import type { GroundTruthPost } from '../proof/invariants.ts';
import type { FaultPatch } from '../sandbox/faults.ts';
import { fetchGroundTruth } from '../sandbox/groundTruth.ts';
import type { TrafficKind } from '../sandbox/types.ts';

/** The sandbox's admin endpoints and its ground truth, over HTTP (the sandbox is its own process). */
export class SandboxAdmin {
  readonly #url: string;
  readonly #token: string;

  constructor(url: string, adminToken: string) {
    this.#url = url;
    this.#token = adminToken;
  }

  setFaults(patch: FaultPatch): Promise<unknown> {
    return this.#post('/admin/faults', patch);
  }

  /** Posts a ghost on the bot's account; its id. */
  async ghost(kind: 'root' | 'reply'): Promise<string> {
    const body = (await this.#post('/admin/ghost', { kind })) as { id: string };
    return body.id;
  }

  /** Deletes a target or turns it into a reply; false when the sandbox refused (gone, nothing to move into). */
  async mutate(postId: string, action: 'delete' | 'make_reply'): Promise<boolean> {
    const response = await this.#send(`/admin/targets/${encodeURIComponent(postId)}/mutate`, { action });
    await response.arrayBuffer();
    return response.ok;
  }

  /** Sets the traffic rate; `exclude` leaves kinds out of the mix from now on. */
  traffic(perMin: number, exclude?: TrafficKind[]): Promise<unknown> {
    return this.#post('/admin/traffic', exclude ? { perMin, exclude } : { perMin });
  }

  /** `GET /api/posts`: every post the platform holds, never faulted. */
  groundTruth(): Promise<GroundTruthPost[]> {
    return fetchGroundTruth(this.#url);
  }

  async #post(path: string, body: unknown): Promise<unknown> {
    const response = await this.#send(path, body);
    const json: unknown = await response.json();
    if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(json)}`);
    return json;
  }

  async #send(path: string, body: unknown): Promise<Response> {
    const response = await fetch(`${this.#url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    if (response.ok || response.status < 500) return response;
    throw new Error(`POST ${path} answered ${response.status}`);
  }
}
