import { useAppProcess } from '../../support/app-process';

/** Reads server-sent events from the app's /chat/events stream. */
async function openEvents(port: number, sessionId: string, lastEventId?: string) {
  const controller = new AbortController();
  const response = await fetch(`http://127.0.0.1:${port}/chat/events?sessionId=${sessionId}`, {
    signal: controller.signal,
    headers: lastEventId ? { 'last-event-id': lastEventId } : {},
  });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: Array<{ id: string; text: string; buttons: Array<{ action: string; label: string }> }> = [];
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (id && data) events.push({ id, ...JSON.parse(data) });
      }
    }
  })();
  return {
    events,
    async waitFor(count: number, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${events.length} of ${count} events arrived`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return events;
    },
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

describe('web chat (the real app over HTTP)', () => {
  const { app, base } = useAppProcess({ label: 'web-chat', env: { DUTY_PHONE: '0571-8000-0110' } });

  const post = (path: string, body?: unknown) =>
    fetch(`${base()}${path}`, {
      method: 'POST',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : null,
    });

  it('when an owner opens the page, then a bilingual chat page is served at /', async () => {
    const response = await fetch(`${base()}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('物业服务');
    expect(html).toContain('Property service');
    expect(html).toContain('<script type="module" src="chat.js"></script>');
    expect(html).not.toMatch(/<script>/);
    const script = await (await fetch(`${base()}/chat.js`)).text();
    expect(script).toContain('EventSource');
  });

  it('when an owner reports a problem, then the reply arrives live with its case reference, and buttons stay buttons', async () => {
    const { sessionId } = (await (await post('/chat/session')).json()) as { sessionId: string };
    const stream = await openEvents(app().port, sessionId);
    const sent = await post('/chat/messages', {
      sessionId,
      clientMessageId: 'a1',
      text: 'The kitchen sink in 5-1203 is blocked, please send a plumber',
    });
    expect(sent.status).toBe(202);
    const [reply] = await stream.waitFor(1);
    expect(reply?.text).toMatch(/repair request \(case WO-\d{4}-\d{4}\)/);

    await post('/chat/messages', { sessionId, clientMessageId: 'a2', text: 'menu' });
    const events = await stream.waitFor(2);
    expect(events[1]?.buttons.map((b) => b.action)).toContain('menu:repair');
    await stream.close();

    // A page opened again later gets what it missed after the last event it saw.
    await post('/chat/messages', { sessionId, clientMessageId: 'a3', text: 'thanks' });
    const again = await openEvents(app().port, sessionId, events[1]?.id);
    const [missed] = await again.waitFor(1);
    expect(missed?.text).toMatch(/welcome|glad to help/i);
    await again.close();
  }, 60_000);

  it('when the same message is posted twice, then it is handled once', async () => {
    const { sessionId } = (await (await post('/chat/session')).json()) as { sessionId: string };
    const stream = await openEvents(app().port, sessionId);
    const body = { sessionId, clientMessageId: 'dup', text: 'How do I pay the property fee?' };
    await Promise.all([post('/chat/messages', body), post('/chat/messages', body)]);
    await stream.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(stream.events).toHaveLength(1);
    await stream.close();
  }, 60_000);

  it('when a request is malformed, then it gets a clear 400', async () => {
    const { sessionId } = (await (await post('/chat/session')).json()) as { sessionId: string };
    const empty = await post('/chat/messages', { sessionId, clientMessageId: '1', text: '   ' });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({
      error: 'empty_message',
      messages: { zh: '请输入内容，或点击一个按钮。', en: 'Write a message or press a button.' },
    });
  });
});
