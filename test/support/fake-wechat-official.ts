import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One template message the fake accepted. */
export interface FakeTemplateDelivery {
  touser: string;
  template_id: string;
  data: Record<string, { value: string }>;
  msgid: number;
  token: string;
}

/** One customer-service text the fake accepted. */
export interface FakeTextDelivery {
  touser: string;
  content: string;
  msgid: number;
}

/** One request the fake received (`path` without the query), with the errcode it answered. */
export interface FakeOfficialCall {
  path: string;
  body: Record<string, unknown>;
  errcode: number;
}

/** Field key prefixes and their value limits, as the template library documents them. */
const LIMITS: Array<[RegExp, (value: string) => boolean]> = [
  [/^thing\d*$/, (value) => Array.from(value).length <= 20],
  [/^phrase\d*$/, (value) => /^[\u4e00-\u9fa5]{1,5}$/.test(value)],
  [/^character_string\d*$/, (value) => /^[\x21-\x7e]{1,32}$/.test(value)],
  [
    /^(time|date)\d*$/,
    (value) => /^(\d{4}年)?\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?$|^\d{1,2}:\d{2}$/.test(value),
  ],
];

/**
 * A local stand-in for the WeChat Official Account API on loopback, speaking its wire format:
 * `POST /cgi-bin/stable_token` (normal and forced mode; a token lives `tokenTtlSeconds`, and
 * normal mode issues the next one in its last 5 minutes, as the platform does),
 * `POST /cgi-bin/message/template/send?access_token=…` (template ids registered with their
 * field keys; 40037, 47003, 43004, 43101, 40003, 45009 as the platform answers them) and
 * `POST /cgi-bin/message/custom/send` (45015 for owners marked outside their window).
 * Answers `{ errcode, errmsg, … }` with HTTP 200, as WeChat does. Time comes from `now`.
 */
export async function startFakeWechatOfficial(
  options: {
    appId?: string;
    appSecret?: string;
    now?: () => number;
    tokenTtlSeconds?: number;
    /** template id -> its field keys. */
    templates?: Record<string, string[]>;
    /** Template messages accepted per day before 45009. */
    templateQuota?: number;
  } = {},
) {
  const appId = options.appId ?? 'wx1234567890abcdef';
  const appSecret = options.appSecret ?? 'f4ke5ecret0123456789abcdef012345';
  const now = options.now ?? Date.now;
  const ttlMs = (options.tokenTtlSeconds ?? 7200) * 1000;
  const templates = new Map(Object.entries(options.templates ?? {}));
  const calls: FakeOfficialCall[] = [];
  const templatesSent: FakeTemplateDelivery[] = [];
  const textsSent: FakeTextDelivery[] = [];
  const unsubscribed = new Set<string>();
  const refused = new Set<string>();
  const outOfWindow = new Set<string>();
  const planned: Array<{ path: string; errcode: number; errmsg: string }> = [];
  /** Valid tokens and when each expires; an invalidated one is deleted. */
  const tokens = new Map<string, number>();
  let current: string | undefined;
  let serial = 0;
  let msgid = 1_000_000;
  let templateQuota = options.templateQuota ?? Infinity;
  /** Accepted sends until the current token expires on its own (a campaign outliving its token). */
  let expireAfterSends: number | undefined;
  const accepted = () => {
    if (expireAfterSends === undefined) return;
    expireAfterSends--;
    if (expireAfterSends <= 0 && current) {
      tokens.set(current, now());
      expireAfterSends = undefined;
    }
  };

  const issue = (): string => {
    current = `ACCESS_TOKEN_${++serial}_${Math.random().toString(36).slice(2, 10)}`;
    tokens.set(current, now() + ttlMs);
    return current;
  };

  function stableToken(body: Record<string, unknown>) {
    if (body.grant_type !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' };
    if (body.appid !== appId) return { errcode: 40013, errmsg: 'invalid appid' };
    if (body.secret !== appSecret) return { errcode: 40125, errmsg: 'invalid appsecret' };
    const expiresAt = current ? tokens.get(current) : undefined;
    if (body.force_refresh === true) {
      if (current) tokens.delete(current);
      issue();
    } else if (expiresAt === undefined || expiresAt - now() <= 5 * 60_000) {
      issue(); // the previous one stays valid until its own expiry
    }
    const token = current as string;
    return { access_token: token, expires_in: Math.round(((tokens.get(token) ?? 0) - now()) / 1000) };
  }

  function tokenProblem(token: string) {
    const expiresAt = tokens.get(token);
    if (expiresAt === undefined)
      return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
    if (expiresAt <= now()) return { errcode: 42001, errmsg: 'access_token expired' };
    return undefined;
  }

  function recipientProblem(openid: string) {
    if (!openid.startsWith('o')) return { errcode: 40003, errmsg: 'invalid openid' };
    if (unsubscribed.has(openid)) return { errcode: 43004, errmsg: 'require subscribe' };
    return undefined;
  }

  function templateSend(body: Record<string, unknown>, token: string) {
    const fields = templates.get(String(body.template_id));
    if (!fields) return { errcode: 40037, errmsg: 'invalid template_id' };
    const data = (body.data ?? {}) as Record<string, { value?: unknown }>;
    for (const key of fields) {
      const value = data[key]?.value;
      const limit = LIMITS.find(([pattern]) => pattern.test(key))?.[1];
      if (typeof value !== 'string' || value === '' || (limit && !limit(value)))
        return { errcode: 47003, errmsg: `argument invalid! data.${key}.value invalid` };
    }
    const problem = recipientProblem(String(body.touser));
    if (problem) return problem;
    if (refused.has(String(body.touser))) return { errcode: 43101, errmsg: 'user refuse to accept the msg' };
    if (templateQuota <= 0) return { errcode: 45009, errmsg: 'reach max api daily quota limit' };
    templateQuota--;
    const sent = {
      touser: String(body.touser),
      template_id: String(body.template_id),
      data: data as FakeTemplateDelivery['data'],
      msgid: ++msgid,
      token,
    };
    templatesSent.push(sent);
    accepted();
    return { errcode: 0, errmsg: 'ok', msgid: sent.msgid };
  }

  function customSend(body: Record<string, unknown>) {
    const problem = recipientProblem(String(body.touser));
    if (problem) return problem;
    if (outOfWindow.has(String(body.touser)))
      return { errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' };
    const content = String((body.text as { content?: unknown } | undefined)?.content ?? '');
    textsSent.push({ touser: String(body.touser), content, msgid: ++msgid });
    accepted();
    return { errcode: 0, errmsg: 'ok' };
  }

  function answer(path: string, body: Record<string, unknown>, token: string): Record<string, unknown> {
    const plannedIndex = planned.findIndex((failure) => failure.path === path);
    if (plannedIndex >= 0) {
      const [failure] = planned.splice(plannedIndex, 1);
      return { errcode: failure!.errcode, errmsg: failure!.errmsg };
    }
    if (path === '/cgi-bin/stable_token') return stableToken(body);
    const problem = tokenProblem(token);
    if (problem) return problem;
    if (path === '/cgi-bin/message/template/send') return templateSend(body, token);
    if (path === '/cgi-bin/message/custom/send') return customSend(body);
    return { errcode: 48001, errmsg: 'api unauthorized' };
  }

  const server = http.createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        body = {};
      }
      const result = answer(url.pathname, body, url.searchParams.get('access_token') ?? '');
      calls.push({ path: url.pathname, body, errcode: Number(result.errcode ?? 0) });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    appId,
    appSecret,
    /** For `WECHAT_API_ROOT`. */
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    templatesSent,
    textsSent,
    /** Stable-token requests so far (each a refresh the platform saw). */
    tokenRequests: () => calls.filter((call) => call.path === '/cgi-bin/stable_token').length,
    /** The owner unfollows the account: 43004 from now on. */
    unsubscribe: (openid: string) => unsubscribed.add(openid),
    /** The owner turns off the account's messages: 43101 for templates. */
    refuse: (openid: string) => refused.add(openid),
    /** The platform considers the owner outside the 48-hour window: 45015 for customer-service sends. */
    markOutOfWindow: (openid: string) => outOfWindow.add(openid),
    /** The current token expires now, as if its two hours were over (42001 until refreshed). */
    expireCurrentToken: () => {
      if (current) tokens.set(current, now());
    },
    /** The current token expires once this many more sends were accepted (mid-campaign). */
    expireCurrentTokenAfterSends: (sends: number) => (expireAfterSends = sends),
    setTemplateQuota: (remaining: number) => (templateQuota = remaining),
    /** The next request to `path` answers this errcode (e.g. -1 "system busy"). */
    failNext: (path: string, errcode: number, errmsg = 'planned failure') =>
      planned.push({ path, errcode, errmsg }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeWechatOfficial = Awaited<ReturnType<typeof startFakeWechatOfficial>>;
