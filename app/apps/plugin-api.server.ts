/**
 * The server-side API an app uses (docs/extending.md). An app — ours or a third party's — imports
 * from here, from `~/apps/plugin-ui` (components) and from `~/apps/plugin-web.server` (its route
 * modules), and from nothing else of the core; what is exported here stays stable across releases.
 */
import { createDiscordClient } from "~/connectors/discord/index.server";
import type { Actor } from "~/modules/audit/audit.server";
import { EsiClient } from "~/modules/eve/esi-client.server";
import { userTokensWithScopes, validAccessToken } from "~/modules/eve/tokens.server";
import { notifyUsers, type NewNotification } from "~/modules/notifications/notify.server";
import { getRuntime } from "~/modules/runtime.server";
import type { AppContext } from "./types";

export type { AppContext, AppDefinition, DashboardWidget } from "./types";
export type { MenuItem, MenuUser } from "~/modules/menu/types";
export type { PermissionDeclaration, PermissionKey } from "~/modules/auth/permission-types";
export type { AdminResource, AdminCtx, FieldDef } from "~/modules/admin/registry.server";
export type { TaskDefinition } from "../../jobs/task-list";
export type { CronEntry } from "../../jobs/crontab";
export type { Actor } from "~/modules/audit/audit.server";
export type { NewNotification, NotificationLevel } from "~/modules/notifications/notify.server";
export { systemActor, writeAudit, type AuditEntry } from "~/modules/audit/audit.server";
export { EsiError, EsiUnavailableError } from "~/modules/eve/esi-client.server";
/** What `accessToken` throws when the token is gone for good (revoked, expired, new owner): ask the member for a new one. */
export { TokenInvalidError } from "~/modules/eve/sso.server";
export { DiscordApiError, DiscordUnavailableError } from "~/connectors/discord/index.server";
export * from "~/modules/eve/evelinks";
export { insertReturningId } from "../../db/dialect";

/** Sends a notification to these users (set-based; each user's list is trimmed to the site's cap). */
export function notify(ctx: AppContext, userIds: number[], notification: NewNotification) {
  return notifyUsers(ctx.db, userIds, notification, ctx.settings.NOTIFICATIONS_MAX_PER_USER);
}

/** An ESI client with the site's User-Agent, compatibility date, timeouts and shared error budget. */
export function esiClient(ctx: AppContext) {
  return new EsiClient(ctx.db, ctx.settings);
}

/** A fresh access token of a stored ESI token (refreshed and re-saved when expired; serialised per token). */
export async function accessToken(ctx: AppContext, tokenId: number, actor: Actor): Promise<string> {
  return (await validAccessToken(ctx.db, ctx.settings, tokenId, actor)).accessToken;
}

/** The user's tokens (one per owned character) holding all of these scopes: what `requestEsiToken` adds. */
export function tokensWithScopes(ctx: AppContext, userId: number, scopes: readonly string[]) {
  return userTokensWithScopes(ctx.db, userId, scopes);
}

/** The Discord bot client (rate limits shared across processes), when Discord is configured. */
export function discordClient(ctx: AppContext) {
  return createDiscordClient(ctx.db, ctx.settings);
}

/** The database and settings of this process (web or worker), for an app's routes and tasks. */
export function appContext(): AppContext {
  const { db, settings } = getRuntime();
  return { db, settings };
}
