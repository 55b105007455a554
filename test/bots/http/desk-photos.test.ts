import { createTelegramFiles } from '../../../bots/channels/telegram/telegram-files';
import { createCoreHarness } from '../../support/core-harness';
import { useTestDatabase } from '../../support/database';
import { createDeskApp } from '../../support/desk-app';
import { startFakeTelegram, type FakeTelegram } from '../../support/fake-telegram';

const database = useTestDatabase();
/** A 1×1 PNG. */
const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('photos on the desk', () => {
  let telegram: FakeTelegram;
  beforeAll(async () => {
    telegram = await startFakeTelegram();
  });
  afterAll(() => telegram.close());

  it('when an owner sends a photo on Telegram, then the case view shows it inline, fetched through the desk', async () => {
    telegram.addFile('photo-large', PHOTO);
    const h = createCoreHarness(database().connection);
    await h.deliverAndWait({
      ...h.message('The ceiling in my bathroom is leaking, please repair it', { from: 'photo-owner' }),
      attachments: [{ kind: 'photo', reference: 'photo-large' }],
    });
    const [ticket] = await h.tickets.listOpen('telegram:photo-owner');
    const id = String(ticket!._id);
    const { app, headers } = createDeskApp(h, {
      attachments: createTelegramFiles({
        token: telegram.token,
        apiRoot: telegram.apiRoot,
        logger: h.logger,
      }),
    });

    const page = await app.inject({ url: `/desk/cases/${id}`, headers });
    expect(page.body).toContain(`<img class="photo" src="/desk/cases/${id}/attachments/0/0"`);
    const photo = await app.inject({ url: `/desk/cases/${id}/attachments/0/0`, headers });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.rawPayload.equals(PHOTO)).toBe(true);
    expect((await app.inject({ url: `/desk/cases/${id}/attachments/0/1`, headers })).statusCode).toBe(404);
    expect((await app.inject({ url: `/desk/cases/${id}/attachments/0/0` })).statusCode).toBe(401);
    await app.close();
  });
});
