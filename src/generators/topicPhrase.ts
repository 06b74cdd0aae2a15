/**
 * The few words of a post that say what it is about, so a template reply can name its topic
 * in the author's own words: the run of at most `maxWords` consecutive words, inside one
 * clause, that carries the most salient letters (each distinct word counted once), starting
 * and ending on a salient word. Salient: three letters or more, not a stop word, not a bare
 * number. @mentions, links and '#' are dropped; a shouted phrase is echoed in lower case.
 *
 * @example topicPhrase('@bot how do you keep a reply queue durable across crashes?') // ['reply', 'queue', 'durable', 'across', 'crashes']
 */
export const MAX_TOPIC_WORDS = 6;

const STOP_WORDS = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being
  below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
  each even ever every few for from further get gets got had hadn't has hasn't have haven't having he her here
  hers herself him himself his how i i'm if in into is isn't it it's its itself just know let like lot me more
  most much must my myself no nor not now of off on once one only or other our ours ourselves out over own
  really same she should shouldn't so some still such than that that's the their theirs them themselves then
  there these they this those though through thing things think to today too under until up us very want was
  wasn't way we well were weren't what when where which while who whom why will with won't would wouldn't yes
  yet you you're your yours yourself yourselves anyone anything someone something everyone everything going
  gonna anybody people stuff pretty maybe quite see look make made use used need take say said`
    .split(/\s+/)
    .filter(Boolean),
);

const MIN_WORD_LENGTH = 3;
/** A lone short word ("love", "great") names no topic; the template then says "this". */
const MIN_TOPIC_WEIGHT = 6;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;
const CLAUSE_BREAK = /[.!?;:,()[\]"“”\n]+|\s[-–—]+\s/u;

function keyOf(word: string): string {
  return word.toLowerCase().replace(/’/g, "'");
}

export function isSalient(word: string): boolean {
  return word.length >= MIN_WORD_LENGTH && !STOP_WORDS.has(keyOf(word)) && !/^\d+$/.test(word);
}

/** Shouting (mostly capitals, longer than an acronym) is echoed in lower case. */
function calm(words: string[]): string[] {
  const letters = words.join('').match(/\p{L}/gu) ?? [];
  const upper = words.join('').match(/\p{Lu}/gu) ?? [];
  return letters.length > 5 && upper.length >= letters.length * 0.8
    ? words.map((w) => w.toLowerCase())
    : words;
}

export function topicPhrase(text: string, maxWords: number = MAX_TOPIC_WORDS): string[] {
  const cleaned = text
    .replace(/(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.-]+/gu, ' ')
    .replace(/\b(?:https?:\/\/|www\.)\S*/giu, ' ')
    .replace(/#/g, ' ');
  let best: string[] = [];
  let bestWeight = 0;
  for (const clause of cleaned.split(CLAUSE_BREAK)) {
    const words = clause.match(WORD) ?? [];
    for (let i = 0; i < words.length; i++) {
      if (!isSalient(words[i]!)) continue;
      const seen = new Set<string>();
      let weight = 0;
      for (let j = i; j < Math.min(words.length, i + maxWords); j++) {
        const word = words[j]!;
        if (!isSalient(word)) continue;
        if (!seen.has(keyOf(word))) weight += word.length;
        seen.add(keyOf(word));
        // Strictly greater: among equal weights the earliest, shortest run wins.
        if (weight > bestWeight) {
          bestWeight = weight;
          best = words.slice(i, j + 1);
        }
      }
    }
  }
  return bestWeight >= MIN_TOPIC_WEIGHT ? calm(best) : [];
}

/** Drops trailing non-salient words, so a shortened phrase still ends on a meaningful one. */
export function trimPhrase(words: readonly string[]): string[] {
  let end = words.length;
  while (end > 0 && !isSalient(words[end - 1]!)) end--;
  return words.slice(0, end);
}
