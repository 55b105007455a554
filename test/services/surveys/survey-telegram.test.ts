import { createHmac } from 'node:crypto';
import { systemClock } from '../../../services/clock';
import { surveyModels } from '../../../services/surveys/survey-model';
import { periodKeys } from '../../../services/tickets/ticket-model';
import { useAppProcess } from '../../support/app-process';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack';
import { startFakeTelegram, type FakeTelegram } from '../../support/fake-telegram';
import { seedOwners, type SeededOwner } from './survey-fixtures';

const SECRET = 'webhook-secret-survey';
const SIGNING_SECRET = 'slack-signing-secret-for-tests';

describe('survey and announcements end to end (app process, fake Telegram, fake Slack)', () => {
  let telegram: FakeTelegram;
  let slack: FakeSlack;
  let owners: SeededOwner[];
  const quarter = periodKeys(new Date(), 'Asia/Shanghai').quarter;

  beforeAll(async () => {
    telegram = await startFakeTelegram();
    slack = await startFakeSlack();
  });
  const { database, base } = useAppProcess({
    label: 'survey-telegram',
    seed: async (connection) => {
      owners = await seedOwners(connection, systemClock, [
        { from: '701', chatId: '701', building: '5' },
        { from: '702', chatId: '702', building: '6' },
      ]);
    },
    env: () => ({
      ...telegram.webhookEnv(SECRET),
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ESCALATION_CHANNEL: 'C0ESCALATE',
      SLACK_STAFF_USER_IDS: 'U0ALICE',
      SLACK_BOT_USER_ID: 'UBOT',
      // Due every minute: the start-up catch-up creates this quarter's campaign at once.
      SURVEY_CRON: '* * * * *',
      QUIET_HOURS: 'off',
    }),
  });
  // After useAppProcess: the fakes close once the app has stopped.
  afterAll(async () => {
    await telegram.close();
    await slack.close();
  });

  const deliver = (update: unknown) =>
    fetch(`${base()}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
  const buttonsOf = (call: { params: Record<string, unknown> } | undefined) =>
    (
      (call?.params.reply_markup as { inline_keyboard?: Array<Array<{ callback_data: string }>> } | undefined)
        ?.inline_keyboard ?? []
    )
      .flat()
      .map((button) => button.callback_data);

  it('when an owner answers every question with the inline buttons, then the full response is stored', async () => {
    await telegram.waitFor(() => telegram.sent(701).length === 1 && telegram.sent(702).length === 1, 30_000);
    expect(String(telegram.sent(701)[0]?.params.text)).toContain('(question 1 of 14)');
    expect(buttonsOf(telegram.sent(701)[0])).toEqual([1, 2, 3, 4, 5].map((n) => `sv:${quarter}:0:${n}`));

    for (let question = 0; question < 14; question++) {
      const buttons = buttonsOf(telegram.sent(701).at(-1));
      const choice = question === 13 ? `sv:${quarter}:13:skip` : buttons[question % 2 === 0 ? 3 : 4];
      expect(buttons).toContain(choice);
      await deliver({
        update_id: 5000 + question,
        callback_query: {
          id: `cb-survey-${question}`,
          from: { id: 701, is_bot: false, first_name: 'Owner' },
          message: { message_id: 1, date: 0, chat: { id: 701, type: 'private' } },
          chat_instance: 'x',
          data: choice,
        },
      });
      await telegram.waitFor(() => telegram.sent(701).length === question + 2, 20_000);
    }
    expect(String(telegram.sent(701).at(-1)?.params.text)).toContain(
      'Thank you for completing our quarterly survey',
    );
    const { Responses, Answers } = surveyModels(database().connection);
    const response = await Responses.findById(`quarterly:${quarter}:${owners[0]!.ownerId}`).lean();
    expect(response).toMatchObject({
      status: 'complete',
      nextQuestion: 14,
      building: '5',
      channel: 'telegram',
    });
    const answers = await Answers.find({ responseId: response!._id }).lean();
    expect(answers).toHaveLength(13);
    expect(answers.filter((a) => a.measure === 'perceived').every((a) => a.score === 4)).toBe(true);
    expect(answers.filter((a) => a.measure === 'expectation').every((a) => a.score === 5)).toBe(true);
    expect(telegram.calls.filter((c) => c.method === 'answerCallbackQuery')).toHaveLength(14);
  }, 120_000);

  it('when staff send /announce for one building, then only its owners get the notice, once', async () => {
    const body = new URLSearchParams({
      command: '/announce',
      text: 'building=5 明天 9-12 点停水 || Water is off tomorrow 9-12',
      user_id: 'U0ALICE',
      trigger_id: '1337.42.abc',
    }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    const post = () =>
      fetch(`${base()}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-signature': signature,
          'x-slack-request-timestamp': String(timestamp),
        },
        body,
      });
    const answer = (await (await post()).json()) as { response_type: string; text: string };
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toContain('sending to building 5');
    await post(); // the same request again: one announcement
    const before702 = telegram.sent(702).length;
    await telegram.waitFor(
      () => telegram.sent(701).some((c) => String(c.params.text).includes('Water is off tomorrow')),
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(
      telegram.sent(701).filter((c) => String(c.params.text).includes('Water is off tomorrow')),
    ).toHaveLength(1);
    expect(telegram.sent(702).length).toBe(before702);
  }, 60_000);
});
