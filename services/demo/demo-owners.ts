import { Types } from 'mongoose';
import { householdKey } from '../owners/household';
import { ENGLISH, GIVEN, SURNAMES } from './demo-catalog';
import { DAY, type DemoCollection, type DemoContext, type DemoOwner } from './demo-context';

/**
 * Writes `count` verified demo owners, a building per 400 households (at least four), one in
 * six recently recorded, and returns them for the messages and surveys that follow.
 */
export async function writeDemoOwners(
  ctx: DemoContext,
  count: number,
  collection: DemoCollection,
): Promise<DemoOwner[]> {
  const buildingCount = Math.max(4, Math.ceil(count / 400));
  const people: DemoOwner[] = [];
  const batch = ctx.batch<object>(collection, 'owners');
  for (let i = 0; i < count; i++) {
    const { person, doc } = demoOwner(ctx, i, buildingCount);
    people.push(person);
    batch.push(doc);
    await batch.flushIfFull();
  }
  await batch.flush();
  return people;
}

/** The i-th owner: their building and unit follow from `i`, the rest from the seeded randomness. */
function demoOwner(ctx: DemoContext, i: number, buildingCount: number): { person: DemoOwner; doc: object } {
  const { rand, pick } = ctx;
  const building = String((i % buildingCount) + 1);
  const n = Math.floor(i / buildingCount);
  const unit = `${(n % 4) + 1}-${Math.floor(n / 4 / 4) + 1}${String((Math.floor(n / 4) % 4) + 1).padStart(2, '0')}`;
  const english = rand() < 0.1;
  const name = `${english ? pick(ENGLISH) : pick(SURNAMES) + pick(GIVEN)} (demo)`;
  const phone = `199${String(i).padStart(8, '0')}`;
  const recent = rand() < 0.16;
  const createdAt = new Date(ctx.now.getTime() - (recent ? rand() * 170 : 400 + rand() * 1000) * DAY);
  const mood = rand() < 0.12 ? -1 : rand() < 0.6 ? 1 : 0;
  const id = new Types.ObjectId();
  const language = english ? 'en' : 'zh';
  const [entrance, room] = unit.split('-') as [string, string];
  return {
    person: { id: String(id), building, unit, language, mood, createdAt },
    doc: {
      _id: id,
      householdKey: householdKey({ building, unit }, phone),
      name,
      building,
      unit,
      entrance,
      room,
      phone,
      phoneLast4: phone.slice(-4),
      language,
      verified: true,
      demo: true,
      source: 'import',
      createdAt,
      updatedAt: createdAt,
    },
  };
}
