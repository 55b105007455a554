import { createSurveyService, type SurveyService } from '../../../services/surveys/survey-service';
import { surveyModels } from '../../../services/surveys/survey-model';
import { querySurveyScores } from '../../../services/surveys/survey-scores';
import { createCoreHarness } from '../../support/core-harness';
import { useTestDatabase } from '../../support/database';
import { seedOwners } from './survey-fixtures';

const database = useTestDatabase();

describe('quarterly survey through the dialog', () => {
  // 2026-11-22T02:00Z is 10:00 in Shanghai: outside the default quiet hours.
  let surveys: SurveyService | undefined;
  const h = () => harness as ReturnType<typeof createCoreHarness>;
  let harness: ReturnType<typeof createCoreHarness> | undefined;

  beforeAll(() => {
    harness = createCoreHarness(database().connection, {}, (parts) => {
      surveys = createSurveyService({ connection: database().connection, ...parts });
      return [surveys.answerer];
    });
  });

  it('when owners answer by button, by number and with a complaint, then answers, scores and the complaint are stored', async () => {
    const survey = surveys as SurveyService;
    const [a, b, c] = await seedOwners(database().connection, h().clock, [
      { from: 'sv-a', building: '1' },
      { from: 'sv-b', building: '1' },
      { from: 'sv-c', building: '2' },
    ]);
    const { campaign, created } = await survey.startCampaign('2026Q4');
    expect(created).toBe(true);
    expect((await survey.startCampaign('2026Q4')).created).toBe(false);
    const first = await survey.sendCampaign(campaign._id);
    expect(first).toMatchObject({ recipients: 3, queued: 3, alreadyAsked: 0 });
    expect(await survey.sendCampaign(campaign._id)).toMatchObject({ queued: 0, alreadyAsked: 3 });

    const opening = await h().outbox.get(`survey:2026Q4:${a!.ownerId}`);
    expect(opening?.message.text).toContain('Quarterly owner satisfaction survey');
    expect(opening?.message.text).toContain('(question 1 of 14)How did you find our security');
    expect(opening?.message.buttons?.map((button) => button.action)).toEqual([
      'sv:2026Q4:0:1',
      'sv:2026Q4:0:2',
      'sv:2026Q4:0:3',
      'sv:2026Q4:0:4',
      'sv:2026Q4:0:5',
    ]);

    // Owner A presses buttons: perceived 4, expectation 5 everywhere, overall 4, skips the comment.
    for (let q = 0; q < 12; q++)
      await h().send('', { from: 'sv-a', action: `sv:2026Q4:${q}:${q % 2 === 0 ? 4 : 5}` });
    await h().send('', { from: 'sv-a', action: 'sv:2026Q4:12:4' });
    await h().send('', { from: 'sv-a', action: 'sv:2026Q4:13:skip' });
    const repliesA = await h().replies('sv-a');
    expect(repliesA.at(-1)).toBe(
      'Thank you for completing our quarterly survey! We will act on what you told us.',
    );

    // Owner B types numbers and stops after two answers; a 7 is refused, a repair request is not swallowed.
    await h().send('2', { from: 'sv-b' });
    await h().send('7', { from: 'sv-b' });
    expect((await h().replies('sv-b')).at(-1)).toContain('Please reply with a number from 1 to 5.');
    await h().send('4', { from: 'sv-b' });
    await h().send('The kitchen tap is leaking and water is on the floor, please send a plumber', {
      from: 'sv-b',
    });
    const casesB = await h().tickets.listOpen('telegram:sv-b');
    expect(casesB.map((t) => t.kind)).toEqual(['work_order']);

    // Owner C: perceived 5, expectation 4, overall 5, and a dissatisfied comment.
    for (let q = 0; q < 12; q++) await h().send(q % 2 === 0 ? '5' : '4', { from: 'sv-c' });
    await h().send('5', { from: 'sv-c' });
    await h().send('Your receptionist was extremely rude to me today, unacceptable', { from: 'sv-c' });
    const casesC = await h().tickets.listOpen('telegram:sv-c');
    expect(casesC.map((t) => t.kind)).toEqual(['complaint']);
    expect((await h().queued({ staff: true })).some((e) => e.caseId === String(casesC[0]!._id))).toBe(true);

    const { Responses, Answers } = surveyModels(database().connection);
    const responses = await Responses.find({ campaignId: 'quarterly:2026Q4' }).sort({ ownerId: 1 }).lean();
    const statusOf = (ownerId: string) => responses.find((r) => r.ownerId === ownerId)?.status;
    expect([statusOf(a!.ownerId), statusOf(b!.ownerId), statusOf(c!.ownerId)]).toEqual([
      'complete',
      'partial',
      'complete',
    ]);
    expect(await Answers.countDocuments({ ownerId: a!.ownerId })).toBe(13);
    expect(await Answers.countDocuments({ ownerId: b!.ownerId })).toBe(2);
    const comment = await Answers.findById(`quarterly:2026Q4:${c!.ownerId}:comment`).lean();
    expect(comment?.text).toBe('Your receptionist was extremely rude to me today, unacceptable');

    // The previous quarter: owner A only, security 3 of 5 expected, overall 3.
    const previous = 'quarterly:2026Q3';
    await Responses.create({
      _id: `${previous}:${a!.ownerId}`,
      campaignId: previous,
      quarter: '2026Q3',
      ownerId: a!.ownerId,
      building: '1',
      channel: 'telegram',
      language: 'en',
      status: 'complete',
      nextQuestion: 14,
      sentAt: new Date('2026-07-01T02:00:00Z'),
      lastAnsweredAt: null,
      completedAt: null,
      reminderSentAt: null,
    });
    const answer = (questionId: string, dimension: string, measure: string, score: number) => ({
      _id: `${previous}:${a!.ownerId}:${questionId}`,
      responseId: `${previous}:${a!.ownerId}`,
      campaignId: previous,
      quarter: '2026Q3',
      ownerId: a!.ownerId,
      building: '1',
      questionId,
      dimension,
      measure,
      score,
      text: '',
      at: new Date('2026-07-01T03:00:00Z'),
    });
    await Answers.insertMany([
      answer('security.perceived', 'security', 'perceived', 3),
      answer('security.expectation', 'security', 'expectation', 5),
      answer('overall', '', 'overall', 3),
    ] as never[]);

    // Hand-computed: all perceived 24 + 2 + 30 = 56 over 13, expectation 30 + 4 + 24 = 58 over 13.
    const { current, previous: before, change } = await querySurveyScores(database().connection, '2026Q4');
    expect(current.all.index).toBeCloseTo(56 / 58, 10);
    expect(current.all.perceived).toBeCloseTo(56 / 13, 10);
    expect(current.all.overall).toBeCloseTo(4.5, 10);
    expect(current.all.responseRate).toBeCloseTo(2 / 3, 10);
    // Building 1: perceived 24 + 2 = 26 over 7, expectation 30 + 4 = 34 over 7; security (4+2)/2 over (5+4)/2.
    expect(current.byBuilding['1']?.index).toBeCloseTo(26 / 34, 10);
    expect(current.byBuilding['1']?.dimensions.security.index).toBeCloseTo(3 / 4.5, 10);
    expect(current.byBuilding['1']?.overall).toBe(4);
    expect(current.byBuilding['1']?.responseRate).toBe(0.5);
    expect(current.byBuilding['2']?.index).toBeCloseTo(1.25, 10);
    expect(current.byOwner[a!.ownerId]?.index).toBeCloseTo(0.8, 10);
    expect(current.byOwner[b!.ownerId]?.dimensions.security).toMatchObject({
      perceived: 2,
      expectation: 4,
      index: 0.5,
    });
    expect(before.all.index).toBeCloseTo(0.6, 10);
    expect(change.index).toBeCloseTo(56 / 58 - 0.6, 10);
    expect(change.overall).toBeCloseTo(1.5, 10);
    expect(change.responseRate).toBeCloseTo(2 / 3 - 1, 10);
  });

  it('when a reminder is due and then the campaign expires, then unfinished owners are reminded once and their answers kept', async () => {
    const survey = surveys as SurveyService;
    const [d] = await seedOwners(database().connection, h().clock, [
      { from: 'sv-d', building: '3', unit: '301' },
    ]);
    const { campaign } = await survey.startCampaign('2026Q4');
    await survey.sendCampaign(campaign._id);
    await h().send('3', { from: 'sv-d' });
    h().clock.advance(3 * 86_400_000 + 60_000);
    const reminded = await survey.upkeep();
    expect(reminded.reminded).toBe(2); // owner B (partial) and owner D
    expect(await h().outbox.get(`survey-reminder:2026Q4:${d!.ownerId}`)).toBeDefined();
    expect((await survey.upkeep()).reminded).toBe(0);
    h().clock.advance(11 * 86_400_000);
    expect((await survey.upkeep()).closed).toBe(1);
    const { Responses, Answers } = surveyModels(database().connection);
    expect((await Responses.findById(`quarterly:2026Q4:${d!.ownerId}`).lean())?.status).toBe('expired');
    expect(await Answers.countDocuments({ ownerId: d!.ownerId })).toBe(1);
    await h().send('4', { from: 'sv-d' });
    expect((await h().replies('sv-d')).at(-1)).not.toContain('question 3');
  });

  it('when someone who is not the owner presses a survey button, then nothing is recorded and the answer is neutral', async () => {
    const survey = surveys as SurveyService;
    const [owner] = await seedOwners(database().connection, h().clock, [{ from: 'sv-owner', building: '3' }]);
    const { campaign } = await survey.startCampaign('2026Q4');
    await survey.sendCampaign(campaign._id);
    await h().send('', { from: 'sv-stranger', action: 'sv:2026Q4:0:1' });
    await h().send('', { from: 'sv-stranger', action: 'sv:2026Q4:99:1' });
    expect(await h().replies('sv-stranger')).toEqual([
      'That choice is no longer available. Just send me a message if you need anything.',
      'That choice is no longer available. Just send me a message if you need anything.',
    ]);
    const answers = await surveyModels(database().connection).Answers.countDocuments({
      ownerId: owner!.ownerId,
    });
    expect(answers).toBe(0);
  });
});
