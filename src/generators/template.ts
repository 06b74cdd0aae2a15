import { isPlainHandle } from '../policy/handle.ts';
import { MAX_QUOTED_WORDS, quotesTooMuch } from '../policy/quotedSpan.ts';
import { topicPhrase, trimPhrase } from './topicPhrase.ts';
import { truncateOnWord } from './truncate.ts';
import {
  type GeneratedReply,
  GenerationFailed,
  type GenerationRequest,
  type ReplyGenerator,
} from './types.ts';

/**
 * The offline default generator: no network, no cost, the same reply for the same target.
 * A template is chosen by a hash of the target post id and names the post's topic with a short
 * quote of its own words (see `topicPhrase`), so replies to different posts rarely look alike
 * (the content gate blocks near-duplicates). It keeps within what the content gate allows —
 * at most MAX_QUOTED_WORDS of the post, the author mentioned only when the handle is a plain
 * one — so its replies pass; the gate, not this file, is what enforces it. Replies never carry
 * links, and end with a bot label and the opt-out word whenever it fits.
 */
export const TEMPLATES: readonly ((topic: string) => string)[] = [
  (t) => `Thanks for sharing your thoughts on ${t}. Really interesting take!`,
  (t) => `Appreciate this post about ${t}, it gave me something to think about.`,
  (t) => `Great point on ${t}. Curious to see where the conversation goes.`,
  (t) => `Love seeing people talk about ${t}. Thanks for posting!`,
  (t) => `A helpful perspective on ${t}, thank you for writing it up.`,
  (t) => `Nice one! More people should be talking about ${t}.`,
  (t) => `Thanks for raising ${t}. Good food for thought.`,
  (t) => `Interesting read on ${t}, thanks for putting it out there.`,
];

export const DISCLOSURES = [
  " — automated reply from replywright (reply 'stop' to opt out)",
  " (bot; reply 'stop' to opt out)",
];

const FALLBACK_TOPIC = 'this';

/** FNV-1a: small, stable across runtimes, and enough to spread ids over a few templates. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The post's own words in quotes, or "this" when it has none worth echoing. */
function topicOf(words: readonly string[]): string {
  return words.length === 0 ? FALLBACK_TOPIC : `"${words.join(' ')}"`;
}

/**
 * The reply for one request: the richest variant that fits and repeats no more of the post
 * than the gate allows, preferring the bot label over topic words, and topic words over
 * nothing; a last resort is cut on a word boundary.
 */
export function templateReply(request: GenerationRequest): string {
  const author = request.targetAuthor.replace(/^@+/, '');
  // A handle that is not one (spaces, markup, a URL) is not echoed: no mention beats a raw one.
  const mention = isPlainHandle(author) ? `@${author} ` : '';
  const template = TEMPLATES[fnv1a(request.targetPostId) % TEMPLATES.length]!;
  const words = topicPhrase(request.targetText, MAX_QUOTED_WORDS);
  for (const disclosure of [...DISCLOSURES, '']) {
    for (let n = words.length; n >= 0; n--) {
      const text = mention + template(topicOf(trimPhrase(words.slice(0, n)))) + disclosure;
      if (text.length <= request.maxLength && !quotesTooMuch(text, request.targetText)) return text;
    }
  }
  return truncateOnWord(`${mention}Thanks for sharing!`, request.maxLength);
}

export function createTemplateGenerator(): ReplyGenerator {
  return {
    name: 'template',
    async generate(request: GenerationRequest, signal: AbortSignal): Promise<GeneratedReply> {
      if (signal.aborted) throw new GenerationFailed('generation aborted before it started', 'timeout');
      const text = templateReply(request);
      if (text === '')
        throw new GenerationFailed(`no reply fits in ${request.maxLength} characters`, 'empty');
      return { text, model: null, costUsd: 0 };
    },
  };
}
