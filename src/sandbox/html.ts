import { html, raw } from 'hono/html';
import type { SandboxPost } from './types.ts';

type Html = ReturnType<typeof html>;

const STYLE = `
  :root { color-scheme: light dark; --line: #8884; --muted: #777; --accent: #2a6df4; }
  * { box-sizing: border-box; }
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; }
  header { display: flex; justify-content: space-between; align-items: center; padding: .75rem 1.25rem;
           border-bottom: 1px solid var(--line); }
  header a.brand { font-weight: 700; text-decoration: none; color: inherit; }
  main { max-width: 42rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
  article { border: 1px solid var(--line); border-radius: .6rem; padding: .75rem 1rem; margin: .75rem 0; }
  article.focus { border-color: var(--accent); }
  .meta { color: var(--muted); font-size: .85rem; }
  .author { font-weight: 600; }
  .label { font-size: .7rem; text-transform: uppercase; letter-spacing: .04em; border-radius: .3rem;
           padding: .05rem .35rem; margin-left: .3rem; border: 1px solid currentColor; }
  .label.bot { color: #0a7d4f; } .label.parody { color: #b35c00; }
  .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: .35rem 0; }
  a { color: var(--accent); }
  textarea, input { width: 100%; font: inherit; padding: .5rem; border: 1px solid var(--line); border-radius: .4rem; }
  textarea { min-height: 6rem; }
  button { font: inherit; padding: .45rem 1.1rem; border-radius: .4rem; border: 0; background: var(--accent);
           color: white; cursor: pointer; margin-top: .5rem; }
  button:disabled { opacity: .6; }
  .error { color: #c0392b; }
  label { display: block; margin-top: .75rem; }
`;

export function layout(title: string, viewer: string | null, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · sandbox</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header>
  <a class="brand" href="/">sandbox</a>
  ${
    viewer
      ? html`<form method="post" action="/logout">@${viewer} <button type="submit">Log out</button></form>`
      : html`<a href="/login">Log in</a>`
  }
</header>
<main>${body}</main>
</body>
</html>`;
}

export function postCard(post: SandboxPost, options: { focus?: boolean } = {}): Html {
  return html`<article class="${options.focus ? 'focus' : ''}" data-post-id="${post.id}">
  <div class="meta">
    <span class="author">@${post.author}</span>${post.authorIsBot ? html`<span class="label bot">bot</span>` : ''}${
      post.authorIsParody ? html`<span class="label parody">parody</span>` : ''
    }
    · <a href="/posts/${post.id}">#${post.id}</a>
    · <time datetime="${new Date(post.createdAt).toISOString()}">${new Date(post.createdAt).toISOString()}</time>
    ${post.inReplyToId ? html`· replying to <a href="/posts/${post.inReplyToId}">#${post.inReplyToId}</a>` : ''}
  </div>
  <p class="text">${post.text}</p>
  <div class="meta">${post.metrics.replies} replies · ${post.metrics.likes} likes</div>
</article>`;
}

export function timelinePage(posts: SandboxPost[], viewer: string | null): Html {
  return layout(
    'Timeline',
    viewer,
    html`<h1>Timeline</h1>
${posts.length ? posts.map((p) => postCard(p)) : html`<p class="meta">Nothing posted yet.</p>`}`,
  );
}

const COMPOSER_SCRIPT = `
const form = document.getElementById('composer');
const output = document.querySelector('[data-testid="posted-id"]');
const problem = document.querySelector('[data-testid="post-error"]');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = form.querySelector('button');
  button.disabled = true;
  problem.textContent = '';
  // A poster that knows its reply's key passes it in the page URL (?key=…); a person gets a fresh one per click.
  const given = new URLSearchParams(location.search).get('key');
  const key = given && /^[A-Za-z0-9_-]{1,100}$/.test(given)
    ? given
    : crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
  try {
    const response = await fetch('/api/posts', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ in_reply_to_id: form.dataset.postId, text: form.elements.text.value }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || 'HTTP ' + response.status);
    output.textContent = body.id;
    output.hidden = false;
    form.elements.text.value = '';
  } catch (error) {
    problem.textContent = 'Could not post: ' + error.message;
  } finally {
    button.disabled = false;
  }
});
`;

export function postPage(post: SandboxPost, replies: SandboxPost[], viewer: string | null): Html {
  const composer = viewer
    ? html`<form id="composer" data-post-id="${post.id}">
  <textarea name="text" aria-label="Reply text" maxlength="500" required></textarea>
  <button>Post</button>
  <p class="meta">Posted: <span data-testid="posted-id" hidden></span></p>
  <p class="error" role="alert" data-testid="post-error"></p>
</form>
<script>${raw(COMPOSER_SCRIPT)}</script>`
    : html`<p><a href="/login?next=/posts/${post.id}">Log in to reply</a></p>`;
  return layout(
    `Post #${post.id}`,
    viewer,
    html`${postCard(post, { focus: true })}
${composer}
<h2>Replies</h2>
${replies.length ? replies.map((r) => postCard(r)) : html`<p class="meta">No replies yet.</p>`}`,
  );
}

export function loginPage(next: string, error: string | null): Html {
  return layout(
    'Log in',
    null,
    html`<h1>Log in</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/login">
  <input type="hidden" name="next" value="${next}">
  <label>Handle <input name="handle" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Log in</button>
</form>`,
  );
}

export function notFoundPage(what: string, viewer: string | null): Html {
  return layout(
    'Not found',
    viewer,
    html`<h1>Not found</h1><p>${what} does not exist.</p><p><a href="/">Back</a></p>`,
  );
}
