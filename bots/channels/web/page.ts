import { ICON_LINK } from '../../http/icon';

/**
 * The web chat page: one document whose script is `/chat.js` (no build step, no external
 * assets, so it works offline and behind strict proxies). Laid out for phones from 360 px
 * wide up; texts in Chinese and English, the owner's choice remembered in the browser.
 */
export function webChatPage(): string {
  return PAGE;
}

const CAMERA =
  '<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path fill="currentColor" d="M9 3 7.2 5H4a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2L15 3H9Zm3 5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9Zm0 2a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5Z"/></svg>';

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
${ICON_LINK}
<title>物业服务 · Property service</title>
<style>
  :root { --brand: #0f766e; --bg: #f4f6f8; --bubble: #ffffff; --mine: #d1fae5; --text: #1f2937; --muted: #6b7280; --bad: #b91c1c; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 -apple-system, "PingFang SC", "Microsoft YaHei", "Segoe UI", sans-serif; background: var(--bg); color: var(--text); }
  .app { max-width: 640px; margin: 0 auto; height: 100vh; height: 100dvh; display: flex; flex-direction: column; }
  header { background: var(--brand); color: #fff; padding: 12px 16px; display: flex; align-items: center; justify-content: space-between; gap: 8px; }
  header h1 { font-size: 18px; margin: 0; font-weight: 600; }
  header button { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,.6); border-radius: 14px; padding: 2px 12px; cursor: pointer; font: inherit; font-size: 14px; }
  #log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 10px; }
  .msg { max-width: 85%; padding: 8px 12px 4px; border-radius: 14px; overflow-wrap: anywhere; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
  .msg .body { white-space: pre-wrap; }
  .msg img { display: block; max-width: 100%; max-height: 260px; border-radius: 8px; margin: 4px 0; }
  .msg time { display: block; text-align: right; font-size: 11px; color: var(--muted); line-height: 1.6; }
  .bot { background: var(--bubble); align-self: flex-start; border-top-left-radius: 4px; }
  .me { background: var(--mine); align-self: flex-end; border-top-right-radius: 4px; }
  .me.sending { opacity: .65; }
  .me.failed { background: #fee2e2; }
  .fail { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; color: var(--bad); font-size: 13px; margin: 2px 0 4px; }
  .fail button { border: 1px solid var(--bad); color: var(--bad); background: #fff; border-radius: 14px; padding: 2px 12px; font: inherit; font-size: 13px; cursor: pointer; }
  .choices { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0 4px; }
  .choices button { border: 1px solid var(--brand); color: var(--brand); background: #fff; border-radius: 16px; padding: 4px 12px; cursor: pointer; font: inherit; font-size: 14px; }
  .choices button:hover { background: var(--brand); color: #fff; }
  .status { text-align: center; color: var(--muted); font-size: 13px; }
  form { display: flex; align-items: flex-end; gap: 6px; padding: 8px 8px calc(8px + env(safe-area-inset-bottom)); background: #fff; border-top: 1px solid #e5e7eb; }
  textarea { flex: 1; min-width: 0; resize: none; border: 1px solid #d1d5db; border-radius: 10px; padding: 9px 10px; font: inherit; line-height: 24px; height: 44px; }
  form button { flex: none; height: 44px; border: 0; border-radius: 10px; font: inherit; cursor: pointer; }
  #send { background: var(--brand); color: #fff; padding: 0 14px; }
  #photo { width: 44px; background: #e6f4f1; color: var(--brand); display: flex; align-items: center; justify-content: center; }
</style>
</head>
<body>
<div class="app">
  <header><h1 id="title"></h1><button id="lang" type="button"></button></header>
  <div id="log" aria-live="polite"></div>
  <form id="form">
    <input id="file" type="file" accept="image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif" hidden>
    <button id="photo" type="button">${CAMERA}</button>
    <textarea id="text" rows="1" maxlength="4000"></textarea>
    <button id="send" type="submit"></button>
  </form>
</div>
<script type="module" src="chat.js"></script>
</body>
</html>
`;
