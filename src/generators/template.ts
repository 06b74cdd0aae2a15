import { topicPhrase, trimPhrase } from './topicPhrase.ts';
import { truncateOnWord } from './truncate.ts';
import {
  GenerationFailed,
  type GeneratedReply,
  type GenerationRequest,
  type ReplyGenerator,
} from './types.ts';

/**
 * The offline default generator: no network, no cost, the same reply for the same target.
 * A template is chosen by a hash of the target post id and names the post's topic with a short
 * quote of its own words (see `topicPhrase`), so replies to different posts rarely look alike
 * (the content gate blocks near-duplicates). Replies never carry links, and end with a bot
 * label and the opt-out word whenever it fits.
 */
export const TEMPLATES: readonly ((author: string, topic: string) => string)[] = [
  (a, t) => `@${a} Thanks for sharing your thoughts on ${t}. Really interesting take!`,
  (a, t) => `@${a} Appreciate this post about ${t}, it gave me something to think about.`,
  (a, t) => `@${a} Great point on ${t}. Curious to see where the conversation goes.`,
  (a, t) => `@${a} Love seeing people talk about ${t}. Thanks for posting!`,
  (a, t) => `@${a} A helpful perspective on ${t}, thank you for writing it up.`,
  (a, t) => `@${a} Nice one! More people should be talking about ${t}.`,
  (a, t) => `@${a} Thanks for raising ${t}. Good food for thought.`,
  (a, t) => `@${a} Interesting read on ${t}, thanks for putting it out there.`,
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
 * The reply for one request: the richest variant that fits, preferring the bot label over
 * topic words, and topic words over nothing; a last resort is cut on a word boundary.
 */
export function templateReply(request: GenerationRequest): string {
  const author = request.targetAuthor.replace(/^@+/, '');
  const template = TEMPLATES[fnv1a(request.targetPostId) % TEMPLATES.length]!;
  const words = topicPhrase(request.targetText);
  for (const disclosure of [...DISCLOSURES, '']) {
    for (let n = words.length; n >= 0; n--) {
      const text = template(author, topicOf(trimPhrase(words.slice(0, n)))) + disclosure;
      if (text.length <= request.maxLength) return text;
    }
  }
  return truncateOnWord(`@${author} Thanks for sharing!`, request.maxLength);
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
