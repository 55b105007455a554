import { useAppProcess } from '../support/app-process';

type Body = { error?: string; limit?: string; message?: string; messages?: { zh: string; en: string } };

/**
 * The anonymous web chat against a caller who makes up sessions and floods from one address.
 * Small limits so each one trips within a test: 3 sessions an hour, 5 messages a minute and
 * 4 open streams per address, 2 per session.
 */
describe('web chat sessions and limits (the real app over HTTP)', () => {
  const { base } = useAppProcess({
    label: 'web-limits',
    env: {
      WEB_CHAT_LIMITS:
        'sessions_per_address=3/h,messages_per_address=5/min,streams_per_address=4,streams_per_session=2',
      // The test talks to the app over loopback: as if through a proxy there, which names the client.
      TRUSTED_PROXIES: '127.0.0.1',
    },
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const newSession = async (headers: Record<string, string> = {}) => {
    const response = await post('/chat/session', {}, headers);
    return { status: response.status, body: (await response.json()) as Body & { sessionId?: string } };
  };

  it('when a session id was never issued, then messages and event streams are refused with 401', async () => {
    const { body } = await newSession();
    const issued = body.sessionId as string;
    const forged = `${issued.slice(0, 22)}${'A'.repeat(22)}`;
    const madeUp = 'x'.repeat(44);
    for (const sessionId of [forged, madeUp, issued.slice(0, 22)]) {
      const sent = await post('/chat/messages', { sessionId, clientMessageId: 'm1', text: 'hello' });
      expect(sent.status).toBe(401);
      expect(((await sent.json()) as Body).error).toBe('invalid_session');
      expect((await fetch(`${base()}/chat/events?sessionId=${sessionId}`)).status).toBe(401);
    }
    expect((await fetch(`${base()}/chat/session?sessionId=${issued}`)).status).toBe(200);
    expect((await fetch(`${base()}/chat/session?sessionId=${forged}`)).status).toBe(401);
  });

  it('when one address creates sessions too fast, then it gets a polite bilingual 429 and others do not', async () => {
    // One session was created by the test above, from the same (socket) address.
    expect((await newSession()).status).toBe(200);
    expect((await newSession()).status).toBe(200);
    const refused = await newSession();
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'rate_limited', limit: 'sessions_per_address' });
    expect(refused.body.messages?.zh).toContain('请稍等');
    expect(refused.body.messages?.en).toContain('please wait');
    // Another client behind the trusted proxy is not affected.
    expect((await newSession({ 'x-forwarded-for': '203.0.113.9' })).status).toBe(200);
  });

  it('when one address sends messages too fast, then the excess is refused with 429 and nothing of it is stored', async () => {
    const { body } = await newSession({ 'x-forwarded-for': '198.51.100.1' });
    const sessionId = body.sessionId as string;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const sent = await post(
        '/chat/messages',
        { sessionId, clientMessageId: `f${i}`, text: `message ${i}` },
        { 'x-forwarded-for': '198.51.100.1' },
      );
      statuses.push(sent.status);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
    const other = await newSession({ 'x-forwarded-for': '198.51.100.2' });
    const fromOther = await post(
      '/chat/messages',
      { sessionId: other.body.sessionId, clientMessageId: 'o1', text: 'hello' },
      { 'x-forwarded-for': '198.51.100.2' },
    );
    expect(fromOther.status).toBe(202);
  });

  it('when one session opens too many event streams, then the extra ones get 429 and closed ones free their place', async () => {
    const { body } = await newSession({ 'x-forwarded-for': '198.51.100.3' });
    const sessionId = body.sessionId as string;
    const controllers = [new AbortController(), new AbortController()];
    const open = await Promise.all(
      controllers.map((controller) =>
        fetch(`${base()}/chat/events?sessionId=${sessionId}`, { signal: controller.signal }),
      ),
    );
    expect(open.map((response) => response.status)).toEqual([200, 200]);
    const third = await fetch(`${base()}/chat/events?sessionId=${sessionId}`);
    expect(third.status).toBe(429);
    expect(((await third.json()) as Body).limit).toBe('streams_per_session');
    controllers[0]?.abort();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const again = new AbortController();
    expect(
      (await fetch(`${base()}/chat/events?sessionId=${sessionId}`, { signal: again.signal })).status,
    ).toBe(200);
    again.abort();
    controllers[1]?.abort();
  });

  it('when pages are served, then they carry the security headers and no inline script', async () => {
    const page = await fetch(`${base()}/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).not.toMatch(/<script>/);
  });
});

describe('web chat limits without a trusted proxy', () => {
  const { base } = useAppProcess({
    label: 'web-limits-direct',
    env: { WEB_CHAT_LIMITS: 'sessions_per_address=1/h' },
  });

  it('when a client sends X-Forwarded-For itself, then it is ignored: the socket address is the client', async () => {
    const create = (forwardedFor: string) =>
      fetch(`${base()}/chat/session`, { method: 'POST', headers: { 'x-forwarded-for': forwardedFor } });
    expect((await create('203.0.113.1')).status).toBe(200);
    expect((await create('203.0.113.2')).status).toBe(429);
  });
});
