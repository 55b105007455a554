import pino from 'pino';
import { createSlackChannel } from '../../../bots/channels/slack/slack';
import { ChannelError } from '../../../services/errors';
import { classifySendFailure } from '../../../services/outbox/send-failure';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack';

describe('Slack channel (fake Web API on loopback)', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(() => slack.close());

  const channel = () =>
    createSlackChannel({
      settings: { botToken: 'xoxb-test', apiUrl: slack.apiUrl },
      logger: pino({ level: 'silent' }),
    }).adapter;

  it('when a message with buttons goes to a thread, then it is posted in the thread with Block Kit buttons', async () => {
    const result = await channel().send(
      { channel: 'slack', conversationId: 'C0ESCALATE', threadId: '1700000000.000001' },
      { text: 'New complaint', buttons: [{ action: 'claim:abc', label: 'Claim' }] },
    );
    expect(result.platformMessageId).toMatch(/^1700000000\.\d{6}$/);
    const post = slack.posts('C0ESCALATE').at(-1);
    expect(post?.params).toMatchObject({ text: 'New complaint', thread_ts: '1700000000.000001' });
    const blocks = post?.params.blocks as Array<{ type: string; elements?: Array<{ value: string }> }>;
    expect(blocks.find((b) => b.type === 'actions')?.elements?.[0]?.value).toBe('claim:abc');
  });

  it('when Slack answers 429, then the error carries Retry-After for the outbox to honour', async () => {
    slack.failNextPost({ status: 429, retryAfter: 7 });
    const error = await channel()
      .send({ channel: 'slack', conversationId: 'C1' }, { text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(classifySendFailure(error)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
  });

  it('when the channel does not exist, then the failure is permanent (dead letter, no retries)', async () => {
    slack.failNextPost({ status: 200, error: 'channel_not_found' });
    const error = await channel()
      .send({ channel: 'slack', conversationId: 'C404' }, { text: 'x' })
      .catch((e: unknown) => e);
    expect(classifySendFailure(error)).toMatchObject({
      kind: 'rejected',
      permanent: true,
      code: 'slack_channel_not_found',
    });
  });
});
