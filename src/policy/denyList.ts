import { containsWholeWord } from './text.ts';

/**
 * Terms no generated reply may contain, whatever the post it answers said: the checks a
 * hostile post would otherwise use to make the bot repeat a scam, a threat or hate in public.
 * Applied by the content gate on top of REPLYWRIGHT_BANNED_TERMS unless
 * REPLYWRIGHT_DEFAULT_DENY_LIST=0. Whole words or phrases, any case; a false positive only
 * costs one reply. Slurs are not spelled out in this repository: add the ones your audience
 * needs to REPLYWRIGHT_BANNED_TERMS.
 */
export const DEFAULT_DENY_LIST: readonly string[] = [
  // Scams and credential phishing
  'giveaway',
  'airdrop',
  'free crypto',
  'free money',
  'seed phrase',
  'recovery phrase',
  'private key',
  'wallet address',
  'send btc',
  'send eth',
  'double your',
  'guaranteed returns',
  'investment opportunity',
  'click here',
  'buy now',
  'dm me',
  'password',
  'verification code',
  'login code',
  // Threats and self-harm
  'kill yourself',
  'kys',
  'kill you',
  'i will kill',
  'die in a fire',
  'shoot up',
  'bomb threat',
  // Hate
  'heil hitler',
  'sieg heil',
  'white power',
  'gas the',
  '1488',
  'ethnic cleansing',
  // Sexual content
  'nudes',
  'porn',
  'onlyfans',
];

/**
 * True when `text` contains one of `terms` — checked on the text as written, after Unicode
 * compatibility folding (fullwidth letters), and with the separators of a handle read as
 * spaces, so `@kill_yourself` and `ｋｙｓ` count too.
 */
export function containsDeniedTerm(text: string, terms: readonly string[]): boolean {
  const folded = text.normalize('NFKC');
  const spaced = folded.replace(/[_.-]+/g, ' ');
  return terms.some((term) => containsWholeWord(folded, term) || containsWholeWord(spaced, term));
}
