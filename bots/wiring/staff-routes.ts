import { startReportRefreshSchedule } from '../../schedules/report-refresh';
import { createReportService } from '../../services/reports/report-service';
import { createCannedReplies } from '../../services/staff/canned-replies';
import { createStaffAccounts, type StaffAccounts } from '../../services/staff/staff-accounts';
import { createTelegramFiles } from '../channels/telegram/telegram-files';
import { createAdminAccess, type AdminAccess } from '../http/admin-access';
import { deskPhotoSource, registerAttachments } from '../http/attachments';
import { registerDashboard } from '../http/dashboard';
import { registerDesk } from '../http/desk';
import type { AppContext } from './app-context';

/** Owners the desk lists as not reached by outreach are those missed within this window. */
const NOT_REACHED_WINDOW_MS = 30 * 86_400_000;

/**
 * Mounts the staff pages (desk, dashboard, photos) behind one sign-in: `admin` with
 * ADMIN_TOKEN, or a named account. Starts the schedule that keeps the dashboard's report
 * snapshots current; the returned `stop` ends it.
 */
export function registerStaffRoutes(
  ctx: AppContext,
  wechatQrCode: () => string | undefined,
): { stop: () => Promise<void> } {
  const { config, database, clock } = ctx;
  const accounts = createStaffAccounts({ connection: database.connection, clock });
  const access = createAdminAccess({
    adminToken: config.adminToken,
    openOnLoopback: !config.database.uri,
    accounts,
    clock,
  });
  registerAttachments(ctx.server, { access, attachments: ctx.attachments });
  registerStaffDesk(ctx, { access, accounts, wechatQrCode });
  return registerReports(ctx, access);
}

function registerStaffDesk(
  ctx: AppContext,
  deps: {
    access: AdminAccess;
    accounts: StaffAccounts;
    wechatQrCode: () => string | undefined;
  },
): void {
  const { config, core, clock, logger } = ctx;
  registerDesk(ctx.server, {
    ...deps,
    outreachNotReached: () =>
      core.reach.unreachedSince(new Date(clock.now().getTime() - NOT_REACHED_WINDOW_MS)),
    tickets: core.tickets,
    caseDesk: core.caseDesk,
    owners: core.owners,
    canned: createCannedReplies({ connection: ctx.database.connection, clock }),
    audit: core.audit,
    // Photos: web chat uploads from the database, Telegram's through its Bot API.
    attachments: deskPhotoSource(
      ctx.attachments,
      config.telegram
        ? createTelegramFiles({ token: config.telegram.token, apiRoot: config.telegram.apiRoot, logger })
        : undefined,
    ),
    clock,
    logger,
    language: config.staffLanguage,
    timeZone: config.timezone,
  });
}

/** The managers' dashboard reads report snapshots that the refresh schedule keeps current. */
function registerReports(ctx: AppContext, access: AdminAccess): { stop: () => Promise<void> } {
  const { config, database, clock, logger } = ctx;
  const reports = createReportService({
    connection: database.connection,
    clock,
    logger,
    slaPolicy: config.sla,
    timeZone: config.timezone,
  });
  const refresh = startReportRefreshSchedule({ reports, logger, timezone: config.timezone });
  registerDashboard(ctx.server, {
    access,
    reports,
    connection: database.connection,
    clock,
    timeZone: config.timezone,
    slaPolicy: config.sla,
    logger,
    language: config.staffLanguage,
  });
  return { stop: () => refresh.stop() };
}
