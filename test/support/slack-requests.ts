import { createHmac } from 'node:crypto';

/**
 * Posts to /slack/events signed exactly as Slack signs (v0, HMAC-SHA256 over `v0:ts:body`).
 * `ageSeconds` dates the request in the past (negative: in the future); `retry` sets
 * X-Slack-Retry-Num as Slack's redeliveries do.
 */
export function signedSlackRequest(
  url: string,
  body: string,
  options: { secret?: string; form?: boolean; ageSeconds?: number; retry?: number } = {},
): Promise<Response> {
  const timestamp = Math.floor(Date.now() / 1000) - (options.ageSeconds ?? 0);
  const signature = `v0=${createHmac('sha256', options.secret ?? '')
    .update(`v0:${timestamp}:${body}`)
    .digest('hex')}`;
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': options.form ? 'application/x-www-form-urlencoded' : 'application/json',
      'x-slack-signature': signature,
      'x-slack-request-timestamp': String(timestamp),
      ...(options.retry ? { 'x-slack-retry-num': String(options.retry) } : {}),
    },
    body,
  });
}
