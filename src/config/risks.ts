import { isX, summonedOnly } from '../policy/xRules.ts';
import { type Config, configSchema } from './config.ts';

/**
 * Settings that make replywright riskier than its defaults: shown as a banner on the dashboard
 * so nobody runs them by accident. Values shown are public (see publicConfig), never secrets.
 *
 * @example riskySettings(config) // [{ setting: 'REPLYWRIGHT_ALLOW_KEYWORD_REPLIES', value: '1', why: '…' }]
 */
export interface RiskySetting {
  setting: keyof Config;
  value: string;
  why: string;
}

const defaults = configSchema.parse({});
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function riskySettings(config: Config): RiskySetting[] {
  const risks: RiskySetting[] = [];
  const add = (setting: keyof Config, value: unknown, why: string) =>
    risks.push({ setting, value: String(value), why });
  if (config.REPLYWRIGHT_ALLOW_KEYWORD_REPLIES) {
    add(
      'REPLYWRIGHT_ALLOW_KEYWORD_REPLIES',
      1,
      summonedOnly(config)
        ? 'ignored on X: keyword matches are watched, never answered (X allows replies only to posts that summoned the account)'
        : 'replies to keyword matches nobody opted into (X forbids keyword-only automated replies)',
    );
  }
  if (isX(config) && config.REPLYWRIGHT_X_ENTERPRISE_REPLIES) {
    add(
      'REPLYWRIGHT_X_ENTERPRISE_REPLIES',
      1,
      'X: replies to posts that did not summon the account, allowed only under an Enterprise agreement that says so',
    );
  }
  if (isX(config) && config.REPLYWRIGHT_X_AI_REPLIES_APPROVED) {
    add(
      'REPLYWRIGHT_X_AI_REPLIES_APPROVED',
      1,
      'X: AI-generated replies, on your statement that X approved them for this app',
    );
  }
  if (config.REPLYWRIGHT_CAP_PER_HOUR > defaults.REPLYWRIGHT_CAP_PER_HOUR) {
    add(
      'REPLYWRIGHT_CAP_PER_HOUR',
      config.REPLYWRIGHT_CAP_PER_HOUR,
      `above the default of ${defaults.REPLYWRIGHT_CAP_PER_HOUR}`,
    );
  }
  if (config.REPLYWRIGHT_CAP_PER_DAY > defaults.REPLYWRIGHT_CAP_PER_DAY) {
    add(
      'REPLYWRIGHT_CAP_PER_DAY',
      config.REPLYWRIGHT_CAP_PER_DAY,
      `above the default of ${defaults.REPLYWRIGHT_CAP_PER_DAY}`,
    );
  }
  if (config.REPLYWRIGHT_MIN_SPACING_SEC < defaults.REPLYWRIGHT_MIN_SPACING_SEC) {
    add(
      'REPLYWRIGHT_MIN_SPACING_SEC',
      config.REPLYWRIGHT_MIN_SPACING_SEC,
      `below the default of ${defaults.REPLYWRIGHT_MIN_SPACING_SEC}s`,
    );
  }
  if (config.REPLYWRIGHT_AUTHOR_COOLDOWN_MIN < defaults.REPLYWRIGHT_AUTHOR_COOLDOWN_MIN) {
    add(
      'REPLYWRIGHT_AUTHOR_COOLDOWN_MIN',
      config.REPLYWRIGHT_AUTHOR_COOLDOWN_MIN,
      `below the default of ${defaults.REPLYWRIGHT_AUTHOR_COOLDOWN_MIN} min: the same author may get several replies`,
    );
  }
  if (config.REPLYWRIGHT_POSTER === 'browser') {
    add(
      'REPLYWRIGHT_POSTER',
      'browser',
      'drives a real browser; some platforms forbid scripting their website',
    );
  }
  if (!config.REPLYWRIGHT_DEFAULT_DENY_LIST) {
    add(
      'REPLYWRIGHT_DEFAULT_DENY_LIST',
      0,
      'replies are not checked against the built-in deny-list (scams, threats, hate)',
    );
  }
  risks.push(...platformRisks.values());
  if (!LOOPBACK.has(config.HOST) && !config.REPLYWRIGHT_READ_TOKEN_REQUIRED) {
    add(
      'HOST',
      config.HOST,
      'listens beyond loopback with open read routes; set REPLYWRIGHT_READ_TOKEN_REQUIRED=1',
    );
  }
  return risks;
}

/**
 * Risks a platform finds about the account at run time (not in the config): Bluesky's
 * start-up check puts one here when the account lacks the `bot` self-label, and takes it
 * away once the label is there. One per key; shown with the settings above.
 */
const platformRisks = new Map<string, RiskySetting>();

export function setPlatformRisk(key: string, risk: RiskySetting | null): void {
  if (risk) platformRisks.set(key, risk);
  else platformRisks.delete(key);
}
