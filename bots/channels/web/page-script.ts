/**
 * The web chat page's script, served at `/chat.js` (a module: the page has no inline script,
 * so its strict Content-Security-Policy holds). It draws both sides of the conversation from
 * `/chat/history` on load, then replies live from `/chat/events`; a message the server did not
 * take stays on screen as failed, with a Retry that sends it again under the same id.
 */
export function webChatScript(): string {
  return SCRIPT;
}

/** Photos larger than this are refused before they are sent (the server refuses them too). */
const MAX_PHOTO_MB = 8;

const SCRIPT = `const T = {
  zh: {
    title: '物业服务', send: '发送', placeholder: '输入消息，如：3栋1502漏水', other: 'English',
    hello: '您好！报修、咨询、投诉都可以直接发消息给我，报修可以附上照片。',
    offline: '连接中断，正在重连…', failed: '发送失败，请检查网络后重试。', retry: '重试', empty: '请先输入内容。',
    photo: '发送照片', photoShown: '[照片]', notAPhoto: '只能发送照片（JPEG、PNG、WebP 或 HEIC）。',
    tooLarge: '照片太大了，请发送 ${MAX_PHOTO_MB} MB 以内的照片。', locale: 'zh-CN',
  },
  en: {
    title: 'Property service', send: 'Send', placeholder: 'Message, e.g. leak at 3-1502', other: '中文',
    hello: 'Hello! Report a repair (with a photo if you like), ask a question or raise a complaint right here.',
    offline: 'Connection lost, reconnecting…', failed: 'Not sent; check your connection and retry.', retry: 'Retry',
    empty: 'Please write something first.', photo: 'Send a photo', photoShown: '[photo]',
    notAPhoto: 'Only photos can be sent (JPEG, PNG, WebP or HEIC).',
    tooLarge: 'This photo is too large; please send one of at most ${MAX_PHOTO_MB} MB.', locale: 'en-GB',
  },
};
const MAX_PHOTO_BYTES = ${MAX_PHOTO_MB} * 1024 * 1024;
const $ = (id) => document.getElementById(id);
const log = $('log');
let lang = localStorage.getItem('ownerbot.lang') || (navigator.language.startsWith('zh') ? 'zh' : 'en');
let sessionId = localStorage.getItem('ownerbot.session');
let counter = Number(localStorage.getItem('ownerbot.counter') || 0);
let lastEventId = 0;
const seen = new Set();

function paint() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  $('title').textContent = T[lang].title;
  $('send').textContent = T[lang].send;
  $('text').placeholder = T[lang].placeholder;
  $('lang').textContent = T[lang].other;
  $('photo').title = T[lang].photo;
  $('photo').setAttribute('aria-label', T[lang].photo);
}

// "14:05" today, "3月5日 14:05" / "5 Mar 14:05" on other days, in the page's language.
function timeLabel(at) {
  const when = new Date(at);
  const locale = T[lang].locale;
  const time = when.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  if (when.toDateString() === new Date().toDateString()) return time;
  return when.toLocaleDateString(locale, { month: 'short', day: 'numeric' }) + ' ' + time;
}

function scrollDown() { log.scrollTop = log.scrollHeight; }

// One bubble: photos, words, buttons, then its time.
function bubble(kind, line) {
  const div = document.createElement('div');
  div.className = 'msg ' + kind;
  for (const src of line.photos || []) {
    const img = document.createElement('img');
    img.src = src;
    img.alt = T[lang].photoShown;
    img.onload = scrollDown;
    // Browsers that cannot draw the format (HEIC outside Safari) show a word instead.
    img.onerror = () => img.replaceWith(document.createTextNode(T[lang].photoShown));
    div.appendChild(img);
  }
  if (line.text) {
    const body = document.createElement('div');
    body.className = 'body';
    body.textContent = line.text;
    div.appendChild(body);
  }
  if (line.buttons && line.buttons.length) div.appendChild(choices(line.buttons));
  if (line.at) {
    const time = document.createElement('time');
    time.dateTime = new Date(line.at).toISOString();
    time.textContent = timeLabel(line.at);
    div.appendChild(time);
  }
  log.appendChild(div);
  scrollDown();
  return div;
}

function choices(buttons) {
  const row = document.createElement('div');
  row.className = 'choices';
  for (const b of buttons) {
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.textContent = b.label;
    btn.onclick = () => submit({ text: '', action: b.action, shown: b.label });
    row.appendChild(btn);
  }
  return row;
}

function status(text) {
  const div = document.createElement('div');
  div.className = 'status';
  div.textContent = text;
  log.appendChild(div);
  scrollDown();
}

// The server's answer in the page's language (its bodies carry both).
const said = (body) => (body && body.messages && body.messages[lang]) || (body && body.message) || T[lang].failed;
const photoUrl = (id) => 'chat/photos/' + encodeURIComponent(id) + '?sessionId=' + encodeURIComponent(sessionId);

// One session for the stream and every send, even when they ask for it at the same moment.
let asking = null;
function ensureSession() {
  if (sessionId) return Promise.resolve(sessionId);
  asking ??= (async () => {
    const res = await fetch('chat/session', { method: 'POST' });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error('no session'), { said: said(body), retryable: true });
    sessionId = body.sessionId;
    localStorage.setItem('ownerbot.session', sessionId);
    return sessionId;
  })().finally(() => { asking = null; });
  return asking;
}

function forgetSession() {
  sessionId = null;
  localStorage.removeItem('ownerbot.session');
}

// Sending. An item keeps its clientMessageId for every try, so the server stores it once.
function submit(item) {
  counter += 1;
  localStorage.setItem('ownerbot.counter', String(counter));
  item.id = Date.now().toString(36) + '-' + counter;
  const photos = item.file ? [URL.createObjectURL(item.file)] : [];
  item.el = bubble('me', { text: item.shown || item.text, photos, at: Date.now() });
  send(item);
}

async function send(item) {
  item.el.classList.remove('failed');
  item.el.classList.add('sending');
  item.el.querySelector('.fail')?.remove();
  try {
    await ensureSession();
    if (item.file && !item.photoId) item.photoId = await upload(item.file);
    const body = { sessionId, clientMessageId: item.id, text: item.text };
    if (item.action) body.action = item.action;
    if (item.photoId) body.photos = [item.photoId];
    const res = await fetch('chat/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw await refusal(res);
    item.el.classList.remove('sending');
  } catch (error) {
    if (error.status === 401 && !item.renewed) {
      // An old session: start a new one and send there (a new conversation, so a new message).
      forgetSession();
      item.renewed = true;
      item.photoId = undefined;
      listen();
      return send(item);
    }
    failed(item, error.said || T[lang].failed, error.retryable !== false);
  }
}

// What a refused request says, and whether trying again can help (not for a wrong file).
async function refusal(res) {
  const body = await res.json().catch(() => ({}));
  const retryable = res.status === 429 || res.status >= 500 || res.status === 401;
  return { status: res.status, said: said(body), retryable };
}

async function upload(file) {
  const res = await fetch('chat/photos?sessionId=' + encodeURIComponent(sessionId), {
    method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file,
  });
  if (!res.ok) throw await refusal(res);
  return (await res.json()).photoId;
}

function failed(item, reason, retryable) {
  item.el.classList.remove('sending');
  item.el.classList.add('failed');
  const line = document.createElement('div');
  line.className = 'fail';
  line.setAttribute('role', 'alert');
  const words = document.createElement('span');
  words.textContent = reason;
  line.appendChild(words);
  if (retryable) {
    const retry = document.createElement('button');
    retry.type = 'button';
    retry.textContent = T[lang].retry;
    retry.onclick = () => send(item);
    line.appendChild(retry);
  }
  item.el.appendChild(line);
  scrollDown();
}

// Both sides of the conversation so far; false when the session is no longer valid.
async function loadHistory() {
  const res = await fetch('chat/history?sessionId=' + encodeURIComponent(sessionId));
  if (res.status === 401) return false;
  if (!res.ok) return true;
  const body = await res.json();
  for (const line of body.messages) {
    if (line.seq) seen.add(String(line.seq));
    const photos = (line.photos || []).map(photoUrl);
    bubble(line.from === 'owner' ? 'me' : 'bot', { ...line, photos });
  }
  lastEventId = Math.max(lastEventId, body.lastEventId || 0);
  return true;
}

let events = null;
let retryMs = 1000;
async function listen() {
  if (events) events.close();
  try { await ensureSession(); } catch { setTimeout(listen, retryMs *= 2); return; }
  events = new EventSource('chat/events?sessionId=' + encodeURIComponent(sessionId) + '&after=' + lastEventId);
  events.onopen = () => { retryMs = 1000; };
  events.addEventListener('message', (event) => {
    if (seen.has(event.lastEventId)) return;
    seen.add(event.lastEventId);
    lastEventId = Math.max(lastEventId, Number(event.lastEventId) || 0);
    const data = JSON.parse(event.data);
    bubble('bot', data);
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
  grow();
  submit({ text });
};
$('text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); $('form').requestSubmit(); }
});
// Up to four lines as the owner writes; one line when empty.
function grow() {
  const text = $('text');
  text.style.height = '';
  text.style.height = Math.min(text.scrollHeight + 2, 120) + 'px';
}
$('text').addEventListener('input', grow);
$('photo').onclick = () => $('file').click();
$('file').onchange = () => {
  const file = $('file').files[0];
  $('file').value = '';
  if (!file) return;
  if (file.size > MAX_PHOTO_BYTES) { status(T[lang].tooLarge); return; }
  // Words in the box go with the photo, so the report and its picture arrive as one message.
  const text = $('text').value.trim();
  $('text').value = '';
  grow();
  submit({ text, file, shown: text });
};
$('lang').onclick = () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('ownerbot.lang', lang);
  paint();
  submit({ text: lang === 'zh' ? '中文' : 'English' });
};

async function start() {
  paint();
  bubble('bot', { text: T[lang].hello });
  if (sessionId && !(await loadHistory().catch(() => true))) forgetSession();
  listen();
}
start();
`;
