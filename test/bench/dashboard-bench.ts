import Fastify from 'fastify';
import { createAdminAccess } from '../../bots/http/admin-access';
import { registerDashboard } from '../../bots/http/dashboard';
import { systemClock } from '../../services/clock';
import { writeDemoEstate } from '../../services/demo/demo-estate';
import { casesCsv } from '../../services/reports/csv-export';
import { createReportService } from '../../services/reports/report-service';
import { format, percentile, type startBenchDatabase } from './bench-database';

const TOKEN = 'bench-admin-token-0123456789';

/**
 * The dashboard at the issue's size: 20,000 owners and 500,000 messages (with the cases and
 * survey answers they imply), seeded in batches. Prints the refresh job's time (first run,
 * computing every quarter; then a steady run with past quarters frozen) and each view's
 * time over HTTP (Fastify inject, so routing and rendering count). Target: < 500 ms a view.
 */
export async function benchDashboard(
  databases: Awaited<ReturnType<typeof startBenchDatabase>>,
  size = { owners: 20_000, messages: 500_000 },
): Promise<void> {
  const database = await databases.open('dashboard');
  const { connection } = database;
  let started = performance.now();
  let reported = 0;
  const counts = await writeDemoEstate({
    connection,
    now: systemClock.now(),
    size,
    batchSize: 2000,
    // Progress on stderr: seeding takes minutes at full size on the embedded engine.
    onBatch: (c) => {
      const done = c.messages + c.answers;
      if (done - reported < 100_000) return;
      reported = done;
      process.stderr.write(`  seeding: ${c.messages} messages, ${c.tickets} cases, ${c.answers} answers\n`);
    },
  });
  const seedSeconds = (performance.now() - started) / 1000;

  process.stderr.write(`  seeded in ${format(seedSeconds, 0)} s; refreshing\n`);
  const reports = createReportService({ connection, clock: systemClock });
  started = performance.now();
  await reports.refresh({ rebuild: true });
  const firstRefresh = performance.now() - started;
  started = performance.now();
  await reports.refresh();
  const steadyRefresh = performance.now() - started;

  const server = Fastify();
  registerDashboard(server, {
    access: createAdminAccess({ adminToken: TOKEN, openOnLoopback: false, clock: systemClock }),
    reports,
    connection,
    clock: systemClock,
    timeZone: 'Asia/Shanghai',
  });
  const authorization = `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`;
  const views = ['', '/cases', '/sla', '/return-visits', '/open', '/owners', '/report', '/exports'];
  const lines = [
    `dashboard (${format(counts.owners)} owners, ${format(counts.messages)} messages, ${format(counts.tickets)} cases, ${format(counts.answers)} survey answers; seeded in ${format(seedSeconds, 0)} s)`,
    `  refresh, first (every quarter)   ${format(firstRefresh, 0)} ms`,
    `  refresh, steady (past frozen)    ${format(steadyRefresh, 0)} ms`,
  ];
  for (const view of views) {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      const response = await server.inject({ url: `/dashboard${view}`, headers: { authorization } });
      if (response.statusCode !== 200) throw new Error(`/dashboard${view} answered ${response.statusCode}`);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    lines.push(
      `  GET /dashboard${view.padEnd(16)} p50 ${format(percentile(times, 50), 1)} ms, max ${format(times[times.length - 1] ?? 0, 1)} ms`,
    );
  }
  started = performance.now();
  let bytes = 0;
  for await (const chunk of casesCsv({ connection, clock: systemClock, withPhones: false }))
    bytes += chunk.length;
  lines.push(
    `  export cases CSV (not a view)    ${format(performance.now() - started, 0)} ms, ${format(bytes / 1e6, 1)} MB`,
  );
  await server.close();
  process.stdout.write(`${lines.join('\n')}\n`);
}
