import fc from 'fast-check';
import { type DefaultTreeAdapterMap, parse } from 'parse5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzParameters, RunCount } from '../support/fuzz.ts';
import { type HttpHarness, httpHarness } from '../support/httpHarness.ts';
import { MIN, REPORT_NOW, seedHealthyState } from '../support/proofFixtures.ts';

/**
 * Fuzz: handles and texts from the platform (authors, post texts, reply texts, post ids,
 * reason codes, ghost texts), however hostile, rendered into the dashboard (with its live
 * section) and the proof page, parsed the way a browser parses them (parse5, the HTML standard's
 * algorithm): the element and attribute structure is exactly the one the same page has with
 * harmless text. Nothing the data says becomes markup.
 */
type Node = DefaultTreeAdapterMap['node'];

/** Element names, their attribute names and comments, in document order; text is left out. */
function skeleton(html: string): string[] {
  const out: string[] = [];
  const walk = (node: Node, depth: number) => {
    if (node.nodeName === '#comment') out.push(`${depth}:#comment`);
    if ('tagName' in node)
      out.push(
        `${depth}:${node.tagName}[${node.attrs
          .map((a) => a.name)
          .sort()
          .join(',')}]`,
      );
    const children =
      'content' in node ? node.content.childNodes : 'childNodes' in node ? node.childNodes : [];
    for (const child of children) walk(child, depth + 1);
  };
  walk(parse(html), 0);
  return out;
}

// The live fragment is the dashboard's <main id="live"> content, which the script puts back
// into that same element: parsing the dashboard covers it in the context a browser uses.
const PAGES = ['/', '/proof'];
let h: HttpHarness;
let benign: Map<string, string[]>;

/** Writes the same value into every platform-supplied field the pages show. */
function setPlatformText(v: {
  author: string;
  text: string;
  reply: string;
  postId: string;
  reason: string;
  ghost: string;
}) {
  const { store } = h.app;
  store.tx(() => {
    store.statement('update candidates set author = ?, text = ?').run(v.author, v.text);
    // Post ids are unique per platform: each row keeps its own suffix.
    store
      .statement('update permits set target_author = ?, text = ?, target_post_id = ? || id')
      .run(v.author, v.reply, v.postId);
    store.statement('update permits set reason_code = ? where reason_code is not null').run(v.reason);
    store
      .statement('update permits set actual_post_id = ? || id where actual_post_id is not null')
      .run(v.postId);
    store.statement('update ghosts set text = ?, post_id = ? || id').run(v.ghost, v.postId);
  });
}

async function render(path: string): Promise<string> {
  const res = await h.request(path);
  expect(res.status, path).toBe(200);
  return res.text();
}

beforeAll(async () => {
  h = await httpHarness();
  const f = h.fixture;
  const { posted } = seedHealthyState(f);
  f.ghost('1800000000999', REPORT_NOW - 2 * MIN);
  const waiting = f.candidate(REPORT_NOW - 5 * MIN);
  f.permitted(
    waiting,
    f.queue(waiting, REPORT_NOW - 5 * MIN, REPORT_NOW + 30 * MIN),
    REPORT_NOW - 4 * MIN,
    'manual',
  );
  const queued = f.candidate(REPORT_NOW - 3 * MIN);
  f.queue(queued, REPORT_NOW - 3 * MIN, REPORT_NOW + 30 * MIN);
  h.app.store.statement("update permits set reason_code = 'x' where id = ?").run(posted[0]!.permitId);
  setPlatformText({ author: 'x', text: 'x', reply: 'x', postId: 'x', reason: 'x', ghost: 'x' });
  benign = new Map();
  for (const path of PAGES) benign.set(path, skeleton(await render(path)));
});
afterAll(() => h?.cleanup());

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '</td></tr></table></section><div id="live">',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '&lt;script&gt;',
  '&#60;b&#62;',
  '<svg/onload=alert(1)>',
  '<math><mi xlink:href="javascript:alert(1)">',
  '</style><style>*{}',
  '<textarea>',
  '</title>',
  '<plaintext>',
  '<template><script>',
  '\u0000',
  '`$' + '{x}`',
  '<a href="javascript:alert(1)">x</a>',
  '<base href="//evil.example/">',
  '<meta http-equiv="refresh" content="0;url=//evil.example">',
  '<form action="//evil.example"><button>',
  '@alice',
  'https://evil.example/x',
];

const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme', maxLength: 12 })), {
    minLength: 1,
    maxLength: 6,
  })
  .map((parts) => parts.join(''))
  // An empty reason code renders no reason line at all: a different page, not an injection.
  .filter((text) => text.length > 0);

describe('fuzz: platform text in the dashboard', () => {
  it('never adds an element, an attribute or a comment to the pages', async () => {
    const runs = new RunCount('dashboard DOM');
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          author: hostileText,
          text: hostileText,
          reply: hostileText,
          postId: hostileText,
          reason: hostileText,
          ghost: hostileText,
        }),
        async (values) => {
          runs.tick();
          setPlatformText(values);
          for (const path of PAGES) {
            const html = await render(path);
            expect(skeleton(html), `${path} with ${JSON.stringify(values)}`).toEqual(benign.get(path));
          }
        },
      ),
      fuzzParameters(60, 6_000),
    );
    runs.report();
    expect(runs.runs).toBeGreaterThan(10);
  });

  it('a skeleton does see injected markup (the check can fail)', () => {
    expect(skeleton('<p>x</p>')).not.toEqual(skeleton('<p><img src=x onerror=alert(1)></p>'));
    expect(skeleton('<p title="x">x</p>')).not.toEqual(skeleton('<p title="x" onclick="y">x</p>'));
    expect(skeleton('<p>x</p>')).not.toEqual(skeleton('<p><!--x--></p>'));
  });
});
