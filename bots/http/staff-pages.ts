import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Language, LocalizedText } from '../../services/i18n/text';
import { localize } from '../../services/i18n/text';
import { escapeHtml } from './admin-access';
import { ICON_LINK } from './icon';

const LANGUAGE_COOKIE = 'ownerbot_lang';

/**
 * The language of a staff page: `?lang=` when given (and remembered in a cookie for the next
 * page), else the cookie, else STAFF_LANGUAGE. One choice for the desk and the dashboard alike.
 */
export function pageLanguage(request: FastifyRequest, reply: FastifyReply, fallback: Language): Language {
  const asked = (request.query as { lang?: unknown } | undefined)?.lang;
  if (asked === 'zh' || asked === 'en') {
    reply.header(
      'set-cookie',
      `${LANGUAGE_COOKIE}=${asked}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly`,
    );
    return asked;
  }
  const cookie = new RegExp(`(?:^|;\\s*)${LANGUAGE_COOKIE}=(zh|en)`).exec(request.headers.cookie ?? '');
  return (cookie?.[1] as Language | undefined) ?? fallback;
}

/** `t('key')` over a catalog in one language, placeholders filled and the result HTML-escaped. */
export function htmlText<K extends string>(catalog: Record<K, LocalizedText>, language: Language) {
  return (key: K, values: Record<string, string | number> = {}) =>
    escapeHtml(localize(catalog[key], language, values));
}

/** The shared look of the staff pages: readable on a 360 px phone and on a desk screen. */
export const STAFF_STYLE = `*{box-sizing:border-box}body{font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2937;background:#f8fafc}
header.top{background:#0f4c5c;color:#fff;padding:10px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
header.top h1{margin:0;font-size:19px}header.top a{color:#e0f2f1}header.top nav{display:flex;flex-wrap:wrap;gap:4px}
header.top nav a{padding:3px 10px;border-radius:6px;text-decoration:none;background:#16697a}header.top nav a.on{background:#fff;color:#0f4c5c;font-weight:600}
.who{margin-left:auto;font-size:13px}main{max-width:1100px;margin:12px auto;padding:0 12px}
.muted{color:#6b7280;font-size:13px}.error{background:#fee2e2;color:#991b1b;padding:8px 12px;border-radius:8px}
button,.button{font:inherit;background:#0f766e;color:#fff;border:0;border-radius:6px;padding:5px 12px;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#e5e7eb;color:#111827}button:disabled{opacity:.6;cursor:wait}
input,select,textarea{font:inherit;border:1px solid #cbd5e1;border-radius:6px;padding:5px 8px;max-width:100%}
textarea{width:100%;min-height:64px}label{display:block;margin:6px 0 2px;font-weight:600;font-size:14px}
.req{color:#b91c1c}.field-error{color:#b91c1c;font-size:13px}.invalid{border-color:#b91c1c;background:#fff7f7}
table{border-collapse:collapse}.scroll{overflow-x:auto;max-width:100%}`;

/** A full staff page: header with navigation, language switch and who is signed in. */
export function staffPage(options: {
  title: string;
  language: Language;
  nav: Array<{ href: string; label: string; on?: boolean }>;
  user: string;
  /** The same page in the other language. */
  switchHref: string;
  style?: string;
  body: string;
  scripts?: string[];
}): string {
  const other = options.language === 'zh' ? 'English' : '中文';
  const nav = options.nav
    .map(
      (item) =>
        `<a href="${escapeHtml(item.href)}"${item.on ? ' class="on"' : ''}>${escapeHtml(item.label)}</a>`,
    )
    .join('');
  const scripts = (options.scripts ?? [])
    .map((src) => `<script src="${escapeHtml(src)}" defer></script>`)
    .join('');
  return `<!doctype html><html lang="${options.language === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${ICON_LINK}<title>${escapeHtml(options.title)}</title><style>${STAFF_STYLE}${options.style ?? ''}</style>${scripts}</head><body><header class="top"><h1>${escapeHtml(options.title)}</h1><nav>${nav}</nav><span class="who">${escapeHtml(options.user)} · <a href="${escapeHtml(options.switchHref)}">${other}</a></span></header><main>${options.body}</main></body></html>`;
}

/** Sends a staff page with the headers every one of them gets. */
export function sendPage(reply: FastifyReply, status: number, html: string) {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(html);
}

/** The current URL with `lang` set to the other language (for the switch link). */
export function otherLanguageHref(request: FastifyRequest, language: Language): string {
  const url = new URL(request.url, 'http://desk.invalid');
  url.searchParams.set('lang', language === 'zh' ? 'en' : 'zh');
  return `${url.pathname}${url.search}`;
}
