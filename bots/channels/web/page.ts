/**
 * The web chat page: one document and its script (no build step, no external assets, so it
 * works offline and behind strict proxies). Texts in Chinese and English; the owner's
 * choice is remembered in the browser.
 */
export function webChatPage(): string {
  return PAGE;
}

/** The page's script, served at `/chat.js` so the page needs no inline script (strict CSP). */
export function webChatScript(): string {
  return SCRIPT;
}

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>物业服务 · Property service</title>
<style>
  :root { --brand: #0f766e; --bg: #f4f6f8; --bubble: #ffffff; --mine: #d1fae5; --text: #1f2937; --muted: #6b7280; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 -apple-system, "PingFang SC", "Microsoft YaHei", "Segoe UI", sans-serif; background: var(--bg); color: var(--text); }
  .app { max-width: 640px; margin: 0 auto; height: 100vh; display: flex; flex-direction: column; }
  header { background: var(--brand); color: #fff; padding: 14px 18px; display: flex; align-items: center; justify-content: space-between; }
  header h1 { font-size: 18px; margin: 0; font-weight: 600; }
  header button { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,.6); border-radius: 14px; padding: 2px 12px; cursor: pointer; font: inherit; font-size: 14px; }
  #log { flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column; gap: 10px; }
  .msg { max-width: 82%; padding: 10px 14px; border-radius: 14px; white-space: pre-wrap; word-wrap: break-word; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
  .bot { background: var(--bubble); align-self: flex-start; border-top-left-radius: 4px; }
  .me { background: var(--mine); align-self: flex-end; border-top-right-radius: 4px; }
  .choices { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
  .choices button { border: 1px solid var(--brand); color: var(--brand); background: #fff; border-radius: 16px; padding: 4px 12px; cursor: pointer; font: inherit; font-size: 14px; }
  .choices button:hover { background: var(--brand); color: #fff; }
  .status { text-align: center; color: var(--muted); font-size: 13px; }
  form { display: flex; gap: 8px; padding: 12px; background: #fff; border-top: 1px solid #e5e7eb; }
  textarea { flex: 1; resize: none; border: 1px solid #d1d5db; border-radius: 10px; padding: 10px; font: inherit; height: 46px; }
  form button { background: var(--brand); color: #fff; border: 0; border-radius: 10px; padding: 0 18px; font: inherit; cursor: pointer; }
  form button:disabled { opacity: .5; cursor: default; }
</style>
</head>
<body>
<div class="app">
  <header><h1 id="title"></h1><button id="lang" type="button"></button></header>
  <div id="log" aria-live="polite"></div>
  <form id="form">
    <textarea id="text" maxlength="4000"></textarea>
    <button id="send" type="submit"></button>
  </form>
</div>
<script src="chat.js"></script>
</body>
</html>
`;

const SCRIPT = `(() => {
  const T = {
    zh: { title: '物业服务', send: '发送', placeholder: '请描述您的问题，例如：3栋1502厨房漏水', other: 'English', hello: '您好！报修、咨询、投诉都可以直接发消息给我。', offline: '连接中断，正在重连…', failed: '发送失败，请重试。', empty: '请先输入内容。' },
    en: { title: 'Property service', send: 'Send', placeholder: 'Describe what you need, e.g. kitchen leak in 3-1502', other: '中文', hello: 'Hello! Report a repair, ask a question or raise a complaint right here.', offline: 'Connection lost, reconnecting…', failed: 'Could not send; please try again.', empty: 'Please write something first.' },
  };
  const $ = (id) => document.getElementById(id);
  let lang = localStorage.getItem('ownerbot.lang') || (navigator.language.startsWith('zh') ? 'zh' : 'en');
  let sessionId = localStorage.getItem('ownerbot.session');
  let counter = Number(localStorage.getItem('ownerbot.counter') || 0);
  const seen = new Set();

  function paint() {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    $('title').textContent = T[lang].title;
    $('send').textContent = T[lang].send;
    $('text').placeholder = T[lang].placeholder;
    $('lang').textContent = T[lang].other;
  }
  function add(kind, text, buttons) {
    const div = document.createElement('div');
    div.className = 'msg ' + kind;
    div.textContent = text;
    if (buttons && buttons.length) {
      const row = document.createElement('div');
      row.className = 'choices';
      for (const b of buttons) {
        const btn = document.createElement('button');
        btn.type = 'button';
        btn.textContent = b.label;
        btn.onclick = () => { add('me', b.label); post('', b.action); };
        row.appendChild(btn);
      }
      div.appendChild(row);
    }
    $('log').appendChild(div);
    $('log').scrollTop = $('log').scrollHeight;
  }
  function status(text) {
    const div = document.createElement('div');
    div.className = 'status';
    div.textContent = text;
    $('log').appendChild(div);
  }
  // The server's answer in the page's language (its bodies carry both).
  const said = (body) => (body && body.messages && body.messages[lang]) || (body && body.message) || T[lang].failed;
  async function ensureSession() {
    if (sessionId) return sessionId;
    const res = await fetch('chat/session', { method: 'POST' });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) { status(said(body)); throw new Error(body.error || 'no session'); }
    sessionId = body.sessionId;
    localStorage.setItem('ownerbot.session', sessionId);
    return sessionId;
  }
  function forgetSession() {
    sessionId = null;
    localStorage.removeItem('ownerbot.session');
  }
  async function post(text, action) {
    await ensureSession();
    counter += 1;
    localStorage.setItem('ownerbot.counter', String(counter));
    const body = { sessionId, clientMessageId: Date.now().toString(36) + '-' + counter, text };
    if (action) body.action = action;
    try {
      const res = await fetch('chat/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status === 401) { forgetSession(); listen(); }
      if (!res.ok) status(said(await res.json().catch(() => ({}))));
    } catch { status(T[lang].failed); }
  }
  let events = null;
  let retryMs = 1000;
  async function listen() {
    if (events) events.close();
    try { await ensureSession(); } catch { setTimeout(listen, retryMs *= 2); return; }
    events = new EventSource('chat/events?sessionId=' + encodeURIComponent(sessionId));
    events.onopen = () => { retryMs = 1000; };
    events.addEventListener('message', (event) => {
      if (seen.has(event.lastEventId)) return;
      seen.add(event.lastEventId);
      const data = JSON.parse(event.data);
      add('bot', data.text, data.buttons);
    });
    events.onerror = () => {
      if (events.readyState === EventSource.CONNECTING) { status(T[lang].offline); return; }
      // Refused (an old or unknown session, or too many windows): ask for a new session later.
      if (events.readyState !== EventSource.CLOSED) return;
      retryMs = Math.min(retryMs * 2, 60000);
      setTimeout(async () => {
        const check = await fetch('chat/session?sessionId=' + encodeURIComponent(sessionId)).catch(() => null);
        if (check && check.status === 401) forgetSession();
        listen();
      }, retryMs);
    };
  }
  $('form').onsubmit = (event) => {
    event.preventDefault();
    const text = $('text').value.trim();
    if (!text) { status(T[lang].empty); return; }
    $('text').value = '';
    add('me', text);
    post(text);
  };
  $('text').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); $('form').requestSubmit(); }
  });
  $('lang').onclick = () => {
    lang = lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('ownerbot.lang', lang);
    paint();
    post(lang === 'zh' ? '中文' : 'English');
  };
  paint();
  add('bot', T[lang].hello);
  listen();
})();
`;
