/**
 * The connector contract: the original's ServicesHook as a typed interface, turned from event
 * scripts into desired state. The framework computes, from our data alone, what the remote side
 * should hold for each linked account (DesiredAccount) and asks the connector to make it so; the
 * connector only knows its protocol. See docs/decisions/0019-services-connector-contract.md.
 *
 * ServicesHook → Connector:
 *   service_active_for_user / access_perm  → meta.accessPermission (checked by the framework)
 *   validate_user + update_groups + sync_nickname → syncAccount (one desired-state call; `parts`)
 *   update_groups_bulk / sync_nicknames_bulk / update_all_groups → reconcile (optional)
 *   delete_user(notify_user)               → disableAccount (+ the framework's unlink and notify)
 *   reset_password / set_password          → resetPassword / setPassword (optional)
 *   auth_activate                          → activation (OAuth redirect, or created with a password)
 *   render_services_ctrl / title           → meta.title + describe()
 */
import type { Kysely } from "kysely";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import type { TaskDefinition } from "../../../jobs/task-list";
import type { ConnectorMeta } from "./meta";

/** What the remote side should hold for one user (already formatted and sanitised). */
export interface DesiredAccount {
  userId: number;
  /** Nickname or username from the name format. */
  name: string;
  /** Remote group/role names: the user's groups and their state, sanitised for the service. */
  groups: string[];
  /** The main character's name as it is (forums' display names); the username without a main. */
  displayName?: string;
  /** The user's email (forums that need one to register), null when unknown. */
  email?: string | null;
  /** The main character's EVE id (avatars), null without a main. */
  characterId?: number | null;
}

export interface ServiceAccount {
  id: number;
  userId: number;
  service: string;
  remoteId: string | null;
  remoteUsername: string | null;
  status: "active" | "grace";
  lastSyncAt: Date | null;
  lastError: string | null;
  removalDueAt: Date | null;
}

export interface ConnectorContext {
  db: Kysely<DB>;
  settings: Settings;
}

/** Which parts of the desired state to apply (the original's separate groups/nickname hooks). */
export interface SyncParts {
  groups: boolean;
  nickname: boolean;
}

export type SyncOutcome =
  | { kind: "unchanged" }
  | { kind: "updated"; calls: number }
  /** The remote account no longer exists (e.g. Discord 10007): the framework unlinks and notifies. */
  | { kind: "gone" };

export interface ReconcileProgress {
  (done: number, total: number): Promise<void> | void;
}

export interface ReconcileReport {
  /** Accounts whose remote state differed and was fixed. */
  changed: number;
  /** Linked accounts the remote side no longer has (unlinked by the framework). */
  goneUserIds: number[];
  /** Connector-specific figures for the drift report and /metrics (reads, writes, unmanaged …). */
  figures: Record<string, number>;
  /** Connector-specific lists for the drift report (names or ids, capped). */
  lists: Record<string, string[]>;
}

/** How a member links an account. */
export interface OAuthClientConfig {
  clientId: string;
  clientSecret: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  redirectURI: string;
  scopes: string[];
}

export type Activation =
  | {
      kind: "oauth";
      /** The authorization-code client (remix-auth-oauth2 runs the redirect, the state check and the exchange). */
      oauth(settings: Settings): OAuthClientConfig;
      /** Finishes the link with the user's access token: create or update the remote account with `desired`. */
      complete(ctx: ConnectorContext, accessToken: string, desired: DesiredAccount): Promise<{ remoteId: string; remoteUsername: string }>;
    }
  | {
      /** A one-time key the member redeems in the service's own client (TeamSpeak 3 privilege keys). */
      kind: "privilege-key";
      /** Makes the key; `credentials` is the sealed key, shown on the services page until it is redeemed. */
      create(ctx: ConnectorContext, desired: DesiredAccount): Promise<{ remoteId: string; remoteUsername: string; credentials: string }>;
    }
  | {
      kind: "password";
      /**
       * Where a generated password is shown once: "services" (default) seals it until the services page
       * shows it; "action" shows it, with the connect link, on the page answering the POST (Mumble).
       */
      shownOn?: "services" | "action";
      /** Creates the remote account; the password is shown once and never stored in clear. */
      create(ctx: ConnectorContext, desired: DesiredAccount): Promise<{ remoteId: string; remoteUsername: string; password: string }>;
    }
  | {
      /**
       * The member signs in on the service, which asks us who they are and links the account when it
       * comes back (Discourse: DiscourseConnect, the original's "SSO login active" row).
       */
      kind: "link";
      url(settings: Settings): string;
    };

/** Activation refused because the remote name is held by someone else (the original's "already exists"). */
export class ServiceNameTakenError extends Error {}

/** One line on a services-page row: an i18n key (`services.detail.*`) and its parameters. */
export interface ServiceDetail {
  key: string;
  params: Record<string, string>;
}

export interface Connector {
  meta: ConnectorMeta;
  /** Settings present (bot token, server address …); unconfigured connectors are left out everywhere. */
  isConfigured(settings: Settings): boolean;
  activation: Activation;
  /** Brings one linked account to its desired state; throws on transport errors (the job retries). */
  syncAccount(ctx: ConnectorContext, account: ServiceAccount, desired: DesiredAccount, parts: SyncParts): Promise<SyncOutcome>;
  /** Removes the remote access (kick, disable); throws when the remote call failed (nothing is unlinked). */
  disableAccount(ctx: ConnectorContext, account: ServiceAccount): Promise<void>;
  /** Every linked account at once with the fewest calls; without it the framework loops syncAccount. */
  reconcile?(ctx: ConnectorContext, accounts: ServiceAccount[], desired: Map<number, DesiredAccount>, parts: SyncParts, progress: ReconcileProgress): Promise<ReconcileReport>;
  resetPassword?(ctx: ConnectorContext, account: ServiceAccount): Promise<string>;
  setPassword?(ctx: ConnectorContext, account: ServiceAccount, password: string): Promise<void>;
  /** The services-page row: where the service lives and what name to show. */
  describe(settings: Settings, account: ServiceAccount | null): { url: string | null; username: string | null };
  /** Further lines for the member's services-page row (i18n key + params), e.g. Mumble's last connection. */
  accountDetails?(ctx: ConnectorContext, account: ServiceAccount): Promise<ServiceDetail[]>;
  /** The groups/roles the remote side holds for this account now (shown to the member), null if unknown. */
  remoteGroups?(ctx: ConnectorContext, account: ServiceAccount): Promise<string[] | null>;
  /** A key still to be redeemed (privilege-key activation): the key and the link that redeems it. */
  pendingActivation?(ctx: ConnectorContext, account: ServiceAccount): Promise<{ secret: string; link: string | null } | null>;
  /** The connection's health for the admin's service page (a troubleshooting topic), null when fine. */
  adminStatus?(ctx: ConnectorContext): Promise<{ topic: string | null; detail: string | null; at: string | null }>;
  /** Extra buttons on the admin's service page: each queues `task` (e.g. refresh the server groups). */
  adminActions?: { intent: string; task: string; label: string }[];
  /** Extra tasks under the connector's namespace (beyond the framework's update_groups & co). */
  tasks?: Record<string, TaskDefinition<any>>;
  /** Extra periodic entries (identifier, task, pattern) for the crontab. */
  crontab?: { identifier: string; task: string; pattern: string; description: string }[];
}
