/**
 * The dashboard's only script: keeps the operator token in sessionStorage, sends the
 * control actions with it, and re-renders the live section when the event stream says
 * something changed (EventSource; polling when read routes need the token).
 */
export const SCRIPT = `
(() => {
  const KEY = 'replywright.token';
  const body = document.body;
  const readProtected = body.dataset.readProtected === '1';
  const tokenInput = document.getElementById('token');
  const toast = document.getElementById('toast');
  const dot = document.getElementById('live-dot');
  const token = () => sessionStorage.getItem(KEY) || '';
  const auth = () => (token() ? { authorization: 'Bearer ' + token() } : {});
  if (tokenInput) {
    tokenInput.value = token();
    tokenInput.addEventListener('change', () => {
      sessionStorage.setItem(KEY, tokenInput.value.trim());
      say('Token saved for this tab.');
    });
  }
  function say(text) {
    if (!toast) return;
    toast.textContent = text;
    toast.style.display = 'block';
    clearTimeout(say.t);
    say.t = setTimeout(() => { toast.style.display = 'none'; }, 4000);
  }
  let inFlight = false, dirty = false;
  async function refresh() {
    const live = document.getElementById('live');
    if (!live) return;
    if (inFlight) { dirty = true; return; }
    inFlight = true;
    try {
      const res = await fetch(body.dataset.fragment + location.search, { headers: auth() });
      if (res.ok) live.innerHTML = await res.text();
    } catch (e) { /* the next update retries */ }
    inFlight = false;
    if (dirty) { dirty = false; refresh(); }
  }
  // At most one re-render every 2 s, however fast events arrive.
  let timer, last = 0;
  const soon = () => {
    if (timer) return;
    timer = setTimeout(() => { timer = undefined; last = Date.now(); refresh(); }, Math.max(250, 2000 - (Date.now() - last)));
  };
  document.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const action = button.dataset.action;
    const permit = button.dataset.permit;
    const url = permit ? '/api/permits/' + encodeURIComponent(permit) + '/' + action : '/api/control/' + action;
    let init = { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' } };
    if (action === 'reject') {
      const reason = prompt('Reason code (letters, digits, _)', 'operator_rejected');
      if (reason === null) return;
      init.body = JSON.stringify({ reasonCode: reason || 'operator_rejected' });
    }
    button.disabled = true;
    try {
      const res = await fetch(url, init);
      const data = await res.json().catch(() => ({}));
      say(res.ok ? (permit ? 'Permit ' + permit + ': ' + data.state : (data.paused ? 'Paused' : 'Resumed')) : (data.message || ('HTTP ' + res.status)));
    } catch (e) { say('Request failed'); }
    button.disabled = false;
    refresh();
  });
  if (!readProtected && window.EventSource) {
    const source = new EventSource('/api/events/stream');
    source.addEventListener('ready', () => dot && dot.classList.add('on'));
    source.addEventListener('update', soon);
    source.onerror = () => dot && dot.classList.remove('on');
  } else {
    if (dot) dot.classList.add('on');
    setInterval(refresh, 5000);
  }
})();
`;

/** The page shown when read routes need the token: asks for it, then loads the real page with it. */
export const UNLOCK_SCRIPT = `
(() => {
  const KEY = 'replywright.token';
  const form = document.getElementById('unlock');
  const input = document.getElementById('token');
  const error = document.getElementById('unlock-error');
  async function load(token) {
    const res = await fetch(location.href, { headers: { authorization: 'Bearer ' + token } });
    if (!res.ok) { error.textContent = 'That token was not accepted.'; return; }
    sessionStorage.setItem(KEY, token);
    const html = await res.text();
    document.open(); document.write(html); document.close();
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(input.value.trim()); });
  const saved = sessionStorage.getItem(KEY);
  if (saved) load(saved);
})();
`;
