import type { mastodon } from 'masto';
import { type PlatformPost, PlatformRejected } from '../contract.ts';
import type { MastodonCalls } from './calls.ts';
import { isNotFound } from './errors.ts';
import { generatedText } from './replyText.ts';
import { type MastodonStatus, sourceSchema } from './schemas.ts';
import { needsSource, type Self, toPlatformPost } from './toPlatformPost.ts';

const OWN_SOURCES = 5_000;

/**
 * Statuses' exact texts from `/api/v1/statuses/:id/source`: for others' statuses when their
 * HTML would not give the text back, and for the account's own, whose generated text (without
 * the mention `replyText` added) is how the pipeline knows its replies. Own sources are read
 * once per id and edit time, not on every lookup.
 */
export class SourceTexts {
  readonly #client: mastodon.rest.Client;
  readonly #calls: MastodonCalls;
  readonly #ownSources = new Map<string, string>();

  constructor(client: mastodon.rest.Client, calls: MastodonCalls) {
    this.#client = client;
    this.#calls = calls;
  }

  /** One of the account's statuses with its generated text; null when it is gone meanwhile. */
  async ownPost(status: MastodonStatus, self: Self): Promise<PlatformPost | null> {
    const key = `${status.id}:${status.editedAt ?? ''}`;
    let source = this.#ownSources.get(key);
    if (source === undefined) {
      try {
        const raw = await this.#calls.read(
          'GET /api/v1/statuses/:id/source',
          () => this.#client.v1.statuses.$select(status.id).source.fetch(),
          { notFound: true },
        );
        const parsed = sourceSchema.safeParse(raw);
        if (!parsed.success) return null;
        source = parsed.data.text;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
      this.#ownSources.set(key, source);
      if (this.#ownSources.size > OWN_SOURCES) this.#ownSources.delete(this.#ownSources.keys().next().value!);
    }
    const converted = toPlatformPost(status, self, generatedText(source));
    return converted.ok ? converted.post : null;
  }

  /** The exact text from `/source` when the HTML would not give it back; otherwise nothing to fetch. */
  async sourceText(status: MastodonStatus): Promise<string | undefined> {
    if (!needsSource(status)) return undefined;
    try {
      const raw = await this.#calls.read(
        'GET /api/v1/statuses/:id/source',
        () => this.#client.v1.statuses.$select(status.id).source.fetch(),
        { notFound: true },
      );
      const source = sourceSchema.safeParse(raw);
      return source.success ? source.data.text : undefined;
    } catch (error) {
      // Deleted meanwhile, or not ours to read: the HTML's text is the best there is.
      if (isNotFound(error) || error instanceof PlatformRejected) return undefined;
      throw error;
    }
  }
}
