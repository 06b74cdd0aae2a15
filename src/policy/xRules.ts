import type { Config } from '../config/config.ts';

/**
 * X's developer rules as defaults. Since 23 Feb 2026 X lets a self-serve app reply only to a
 * post whose author summoned the account (an @mention of it, or a quote of its post): keyword
 * matches can be watched, never answered, unless an Enterprise agreement says otherwise.
 * AI-generated replies need X's prior approval, which only the operator can state.
 */
export function isX(config: Pick<Config, 'REPLYWRIGHT_PLATFORM'>): boolean {
  return config.REPLYWRIGHT_PLATFORM === 'x';
}

/** Only summoned targets may be answered (X without an Enterprise override). */
export function summonedOnly(
  config: Pick<Config, 'REPLYWRIGHT_PLATFORM' | 'REPLYWRIGHT_X_ENTERPRISE_REPLIES'>,
): boolean {
  return isX(config) && !config.REPLYWRIGHT_X_ENTERPRISE_REPLIES;
}

/** REPLYWRIGHT_ALLOW_KEYWORD_REPLIES, as far as the platform's rules let it apply. */
export function keywordRepliesAllowed(
  config: Pick<
    Config,
    'REPLYWRIGHT_PLATFORM' | 'REPLYWRIGHT_X_ENTERPRISE_REPLIES' | 'REPLYWRIGHT_ALLOW_KEYWORD_REPLIES'
  >,
): boolean {
  return config.REPLYWRIGHT_ALLOW_KEYWORD_REPLIES && !summonedOnly(config);
}

/** Why the configured generator may not run on this platform, or null. */
export function generatorRefusal(
  config: Pick<
    Config,
    'REPLYWRIGHT_PLATFORM' | 'REPLYWRIGHT_GENERATOR' | 'REPLYWRIGHT_X_AI_REPLIES_APPROVED'
  >,
): string | null {
  if (!isX(config) || config.REPLYWRIGHT_GENERATOR !== 'openai' || config.REPLYWRIGHT_X_AI_REPLIES_APPROVED)
    return null;
  return (
    'REPLYWRIGHT_GENERATOR=openai on X needs REPLYWRIGHT_X_AI_REPLIES_APPROVED=1: X requires its prior approval ' +
    'for AI-generated replies; set it only once X has approved this app'
  );
}

/** What the account itself must carry on X; the dashboard reminds the operator. */
export const X_ACCOUNT_REMINDERS = [
  'The account carries X’s “Automated” label (Settings → Your account → Account information → Automation).',
  'It is linked to the human-managed account that runs it (the same Automation setting).',
  'Its bio says it is an automated account and who runs it.',
  'It answers only posts that @mention it or quote it, once per interaction, and honours “stop”.',
] as const;
