import type { Connection } from 'mongoose';

const answers = new WeakMap<Connection, Promise<boolean>>();

/**
 * Whether the server behind `connection` is FerretDB (the embedded engine, or one reached
 * through MONGODB_URI): its `buildInfo` names a `ferretdbVersion`. Asked once per connection;
 * a question that failed is asked again next time. For the few writes shaped for FerretDB 1.x,
 * which answers a filter on `_id` alone in SQLite and decodes every document for any other.
 */
export function servedByFerretdb(connection: Connection): Promise<boolean> {
  let answer = answers.get(connection);
  if (!answer) {
    answer = (async () => {
      const db = connection.db ?? (await connection.asPromise()).db;
      if (!db) return false;
      const info = await db.admin().command({ buildInfo: 1 });
      return typeof info.ferretdbVersion === 'string';
    })();
    answer.catch(() => answers.delete(connection));
    answers.set(connection, answer);
  }
  return answer;
}
