import type { RiskySetting } from '../../config/risks.ts';
import type { AccountFacts } from './accountState.ts';

export const BOT_FLAG_FIX = 'Preferences → Profile → "This is an automated account"';

/**
 * The dashboard risk while the account is not marked as a bot. Mastodon shows the flag on
 * every post; most servers' rules require it of automated accounts.
 */
export function botFlagRisk(facts: Pick<AccountFacts, 'acct' | 'bot'>): RiskySetting | null {
  if (facts.bot) return null;
  return {
    setting: 'REPLYWRIGHT_ACCOUNT',
    value: facts.acct,
    why: `the Mastodon account is not marked as a bot; automated accounts must be on most servers (${BOT_FLAG_FIX})`,
  };
}
