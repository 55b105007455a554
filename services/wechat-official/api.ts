import { AppError, ChannelError } from '../errors';

/** The real Official Account API root; tests point `apiRoot` at a fake on loopback. */
export const WECHAT_API_ROOT = 'https://api.weixin.qq.com';

/** One template field as the API takes it: `{ "thing1": { "value": "…" } }`. */
export type TemplateData = Record<string, { value: string }>;

export interface TemplateMessage {
  /** The owner's openid (the contact id the Official Account puppet reports). */
  touser: string;
  template_id: string;
  data: TemplateData;
  url?: string;
}

/**
 * The API answered with a non-zero `errcode`: it said no (see errcodes.ts for what each
 * means to us). `errmsg` is the platform's wording, never message text or a token.
 */
export class WechatApiError extends AppError {
  readonly errcode: number;
  readonly errmsg: string;

  constructor(errcode: number, errmsg: string, path: string) {
    super(`wechat_${errcode}`, `${path}: errcode ${errcode}: ${errmsg}`.slice(0, 400));
    this.errcode = errcode;
    this.errmsg = errmsg;
  }
}

export interface OfficialAccountApiOptions {
  /** Without a trailing slash, e.g. `https://api.weixin.qq.com`. */
  apiRoot: string;
  appId: string;
  appSecret: string;
  /** A request without an answer after this long fails as a network error (default 10 s). */
  timeoutMs?: number;
}

/**
 * One POST with a JSON body: the answer, or `WechatApiError` when it carries a non-zero
 * errcode, or `ChannelError` (kind `network`) when the API could not be reached, timed out
 * or did not answer with JSON.
 */
async function postJson<T>(
  request: { apiRoot: string; timeoutMs: number },
  path: string,
  body: unknown,
  accessToken?: string,
): Promise<T & { errcode?: number }> {
  const url = `${request.apiRoot}${path}${accessToken ? `?access_token=${encodeURIComponent(accessToken)}` : ''}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    // The URL carries the token: name the path only.
    throw new ChannelError('wechat_unreachable', `${path}: ${(error as Error).name}`, {
      kind: 'network',
      cause: error,
    });
  }
  const text = await response.text().catch(() => '');
  let parsed: (T & { errcode?: number; errmsg?: string }) | undefined;
  try {
    parsed = JSON.parse(text) as T & { errcode?: number; errmsg?: string };
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object')
    throw new ChannelError('wechat_bad_answer', `${path}: HTTP ${response.status}, not JSON`, {
      kind: 'network',
      status: response.status >= 500 ? response.status : 502,
    });
  if (typeof parsed.errcode === 'number' && parsed.errcode !== 0)
    throw new WechatApiError(parsed.errcode, String(parsed.errmsg ?? ''), path);
  return parsed;
}

/**
 * The three Official Account calls ownerbot makes, and nothing else: the stable access
 * token, a template message and a customer-service text. Two error kinds, as grammY has:
 * `WechatApiError` when the API answered with an errcode, `ChannelError` (kind `network`)
 * when it could not be reached, timed out or answered with a non-JSON or 5xx body.
 */
export function createOfficialAccountApi(options: OfficialAccountApiOptions) {
  const request = { apiRoot: options.apiRoot, timeoutMs: options.timeoutMs ?? 10_000 };

  return {
    appId: options.appId,

    /**
     * `POST /cgi-bin/stable_token`. Without `forceRefresh` the platform returns the token it
     * already issued while that one is valid (so instances asking at once get the same one);
     * `forceRefresh` invalidates it at once (20 times a day, 30 s apart).
     */
    async stableToken(forceRefresh: boolean): Promise<{ accessToken: string; expiresInSeconds: number }> {
      const answer = await postJson<{ access_token?: string; expires_in?: number }>(
        request,
        '/cgi-bin/stable_token',
        {
          grant_type: 'client_credential',
          appid: options.appId,
          secret: options.appSecret,
          force_refresh: forceRefresh,
        },
      );
      if (typeof answer.access_token !== 'string' || typeof answer.expires_in !== 'number')
        throw new ChannelError('wechat_bad_answer', '/cgi-bin/stable_token: no access_token in the answer', {
          kind: 'network',
        });
      return { accessToken: answer.access_token, expiresInSeconds: answer.expires_in };
    },

    /** `POST /cgi-bin/message/template/send`: returns the platform's `msgid`. */
    async sendTemplate(accessToken: string, message: TemplateMessage): Promise<{ msgid: string }> {
      const answer = await postJson<{ msgid?: number | string }>(
        request,
        '/cgi-bin/message/template/send',
        message,
        accessToken,
      );
      return { msgid: String(answer.msgid ?? '') };
    },

    /** `POST /cgi-bin/message/custom/send` with a text: allowed within 48 h of the owner's last message. */
    async sendText(accessToken: string, openid: string, text: string): Promise<void> {
      await postJson(
        request,
        '/cgi-bin/message/custom/send',
        { touser: openid, msgtype: 'text', text: { content: text } },
        accessToken,
      );
    },
  };
}

export type OfficialAccountApi = ReturnType<typeof createOfficialAccountApi>;
