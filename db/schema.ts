/** Table types of the auth database (both dialects). Timestamps are UTC `Date`s. */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

type Timestamp = ColumnType<Date, Date, Date>;

export interface UsersTable {
  id: Generated<number>;
  username: string;
  email: string | null;
  password_hash: string | null;
  is_active: boolean;
  is_staff: boolean;
  is_superuser: boolean;
  language: string | null;
  theme: string | null;
  date_joined: Timestamp;
  last_login: Timestamp | null;
  main_character_id: ColumnType<number | null, number | null | undefined, number | null>;
  state_id: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface SessionsTable {
  /** sha256 of the session token held in the cookie. */
  id: string;
  user_id: number;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  idle_expires_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface PermissionsTable {
  id: Generated<number>;
  app_label: string;
  codename: string;
  name: string;
}

export interface AuthGroupsTable {
  id: Generated<number>;
  name: string;
}

export interface UserGroupsTable {
  user_id: number;
  group_id: number;
}

export interface UserPermissionsTable {
  user_id: number;
  permission_id: number;
}

export interface GroupPermissionsTable {
  group_id: number;
  permission_id: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  created_at: Timestamp;
  actor_user_id: number | null;
  /** Username, or the name of the system rule that acted. */
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  before_data: string | null;
  after_data: string | null;
  reason: string | null;
  request_id: string | null;
  ip: string | null;
  /** An entry about many users: how many; they are its rows in audit_log_users. Null otherwise. */
  user_count: number | null;
}

/** The users an entry about many names (audit_log.user_count), one row each. */
export interface AuditLogUsersTable {
  user_id: number;
  audit_id: number;
}

export interface JobOutboxTable {
  id: Generated<number>;
  task: string;
  payload: string;
  priority: number;
  job_key: string | null;
  run_at: Timestamp | null;
  queue_name: string | null;
  max_attempts: number | null;
  created_at: Timestamp;
}

export interface LoginFailuresTable {
  key: string;
  failures: number;
  last_failure_at: Timestamp;
  locked_until: Timestamp | null;
}

export interface OneTimeTokensTable {
  id: Generated<number>;
  purpose: string;
  token_hash: string;
  user_id: number | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface WorkerHeartbeatsTable {
  worker_id: string;
  hostname: string;
  started_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface EveFactionsTable {
  faction_id: number;
  faction_name: string;
}

export interface EveAlliancesTable {
  alliance_id: number;
  alliance_name: string;
  alliance_ticker: string;
  executor_corp_id: number | null;
  updated_at: Timestamp;
}

export interface EveCorporationsTable {
  corporation_id: number;
  corporation_name: string;
  corporation_ticker: string;
  member_count: number;
  ceo_id: number | null;
  alliance_id: number | null;
  faction_id: number | null;
  updated_at: Timestamp;
}

/** The original's EveCharacter: corporation, alliance and faction denormalised onto the row. */
export interface EveCharactersTable {
  id: Generated<number>;
  character_id: number;
  character_name: string;
  corporation_id: number;
  corporation_name: string;
  corporation_ticker: string;
  alliance_id: number | null;
  alliance_name: string | null;
  alliance_ticker: string | null;
  faction_id: number | null;
  faction_name: string | null;
  updated_at: Timestamp;
}

export interface CharacterOwnershipsTable {
  id: Generated<number>;
  /** eve_characters.id */
  character_id: number;
  owner_hash: string;
  user_id: number;
}

export interface OwnershipRecordsTable {
  id: Generated<number>;
  character_id: number;
  owner_hash: string;
  user_id: number;
  created_at: Timestamp;
}

export interface EsiTokensTable {
  id: Generated<number>;
  user_id: number | null;
  /** The EVE character id (not eve_characters.id). */
  character_id: number;
  character_name: string;
  character_owner_hash: string;
  token_type: string;
  /** Space-separated, sorted. */
  scopes: string;
  /** Encrypted (AES-256-GCM). */
  access_token: string;
  /** Encrypted (AES-256-GCM). */
  refresh_token: string | null;
  key_id: string;
  created_at: Timestamp;
  /** When the access token was issued; it is refreshed ESI_TOKEN_VALID_DURATION seconds later. */
  refreshed_at: Timestamp;
}

export interface SsoStatesTable {
  state_hash: string;
  purpose: string;
  next_path: string;
  user_id: number | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface EmailOutboxTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  created_at: Timestamp;
  /** The user the email was sent for (0008); null for older rows. */
  user_id: number | null;
}

export interface EsiCacheTable {
  cache_key: string;
  url: string;
  etag: string | null;
  expires_at: Timestamp;
  body: string;
  updated_at: Timestamp;
}

export interface EsiErrorBudgetTable {
  id: number;
  remain: number;
  reset_at: Timestamp;
  updated_at: Timestamp;
}

export interface DiscordRateLimitsTable {
  rl_key: string;
  bucket: string | null;
  lim: number;
  remaining: number;
  /** Epoch ms (bigint: pg returns it as a string, so read it through Number()). */
  reset_at: ColumnType<number | string, number, number>;
  window_ms: ColumnType<number | string, number, number>;
  updated_at: Timestamp | null;
}

/** Shared pacing of EVE SSO token refreshes (one row, id 1). */
export interface EveSsoThrottleTable {
  id: number;
  window_start: Timestamp;
  attempts: number;
  blocked_until: Timestamp | null;
  blocked_reason: string | null;
}

export interface StatesTable {
  id: Generated<number>;
  name: string;
  priority: number;
  public: boolean;
}
export interface StatePermissionsTable {
  state_id: number;
  permission_id: number;
}
export interface StateMemberCharactersTable {
  state_id: number;
  /** eve_characters.id */
  character_id: number;
}
export interface StateMemberCorporationsTable {
  state_id: number;
  corporation_id: number;
}
export interface StateMemberAlliancesTable {
  state_id: number;
  alliance_id: number;
}
export interface StateMemberFactionsTable {
  state_id: number;
  faction_id: number;
}
/** The original's AuthGroup. */
export interface GroupSettingsTable {
  group_id: number;
  internal: boolean;
  hidden: boolean;
  open: boolean;
  public: boolean;
  restricted: boolean;
  description: string;
}
export interface GroupLeadersTable {
  group_id: number;
  user_id: number;
}
export interface GroupLeaderGroupsTable {
  group_id: number;
  leader_group_id: number;
}
export interface GroupStatesTable {
  group_id: number;
  state_id: number;
}
export interface GroupRequestsTable {
  id: Generated<number>;
  user_id: number;
  group_id: number;
  leave_request: boolean;
  created_at: Timestamp;
}
export interface GroupRequestLogsTable {
  id: Generated<number>;
  group_id: number;
  request_type: "join" | "leave" | "removed";
  request_info: string;
  requestor_id: number | null;
  action: boolean;
  request_actor_id: number | null;
  created_at: Timestamp;
}
export interface ReservedGroupNamesTable {
  id: Generated<number>;
  name: string;
  reason: string;
  created_by: string;
  created_at: Timestamp;
}
export interface AnnouncementsTable {
  id: Generated<number>;
  title: string;
  message: string;
  level: "danger" | "warning" | "info" | "success";
  starts_at: Timestamp;
  ends_at: Timestamp | null;
  created_at: Timestamp;
  /** users.id of the admin who posted it (null once that user is gone) */
  created_by: number | null;
}
export interface AnnouncementTargetsTable {
  announcement_id: number;
  kind: "state" | "group";
  /** states.id or auth_groups.id */
  target_id: number;
}
export interface AnnouncementDismissalsTable {
  announcement_id: number;
  user_id: number;
  dismissed_at: Timestamp;
}
export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  level: "info" | "success" | "warning" | "danger";
  title: string;
  message: string;
  viewed: boolean;
  created_at: Timestamp;
}
export interface AnalyticsInstallTable {
  id: number;
  install_id: string;
  last_sent_at: Timestamp | null;
}

export interface AnalyticsPageViewsTable {
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** The route's pattern (/groups/:groupId), never a concrete URL. */
  route: string;
  views: number;
}

export interface JobEventsTable {
  id: Generated<number>;
  task: string;
  outcome: "succeeded" | "retried" | "failed";
  created_at: Timestamp;
}

/** Progress of an admin bulk action (one row per job key). */
export interface AdminJobProgressTable {
  job_key: string;
  resource: string;
  action: string;
  ids: string;
  total: number;
  done: number;
  failed: number;
  status: "queued" | "running" | "done" | "failed";
  actor_user_id: number | null;
  actor: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Alliance Auth import: source row (table, id) -> target id, so reruns skip what is done. */
export interface ImportMapTable {
  source_table: string;
  source_id: string;
  target_id: string;
}
export interface ImportRunsTable {
  id: Generated<number>;
  source: string;
  dry_run: boolean;
  status: "queued" | "running" | "done" | "failed" | "stopped";
  started_at: Timestamp;
  finished_at: Timestamp | null;
  report: string | null;
  /** Source rows read so far, of `total` (every table the run reads). */
  done: ColumnType<number, number | undefined, number>;
  total: ColumnType<number, number | undefined, number>;
  current_table: string | null;
  /** Why the run failed (one line: unreachable source, wrong password, schema refused …). */
  error: string | null;
  /** The source URL (with its password) encrypted with the SecretBox while the run is pending. */
  source_secret: string | null;
}

/** A linked account on an external service (the original's per-service user models). */
export interface ServiceAccountsTable {
  id: Generated<number>;
  user_id: number;
  service: string;
  remote_id: string | null;
  remote_username: string | null;
  credentials: string | null;
  status: "active" | "grace";
  synced: string | null;
  activated_at: Timestamp;
  last_sync_at: Timestamp | null;
  last_error: string | null;
  last_error_at: Timestamp | null;
  removal_due_at: Timestamp | null;
}
export interface ServiceNameFormatsTable {
  id: Generated<number>;
  service: string;
  format: string;
  default_to_username: boolean;
}
export interface ServiceNameFormatStatesTable {
  name_format_id: number;
  service: string;
  state_id: number;
}
export interface ServiceSyncStateTable {
  service: string;
  last_reconcile_at: Timestamp | null;
  last_reconcile: string | null;
  last_error: string | null;
  progress_key: string | null;
  managed: string | null;
  updated_at: Timestamp;
}

/** The original's mumble_mumbleuser (migration 0010), read by the murmur authenticator. */
export interface MumbleMumbleuserTable {
  user_id: number;
  username: string;
  pwhash: string;
  hashfn: Generated<string>;
  groups: string | null;
  certhash: string | null;
  display_name: string;
  release: string | null;
  version: number | null;
  last_connect: Timestamp | null;
  last_disconnect: Timestamp | null;
}

export interface Ts3ServerGroupsTable {
  sgid: number;
  name: string;
}
export interface Ts3AuthGroupsTable {
  id: Generated<number>;
  group_id: number;
}
export interface Ts3AuthGroupServerGroupsTable {
  auth_ts_id: number;
  sgid: number;
}
export interface Ts3StateGroupsTable {
  id: Generated<number>;
  state_id: number;
  sgid: number;
}

/** Auto groups (app/apps/autogroups). */
export interface AutogroupsConfigsTable {
  id: Generated<number>;
  corp_groups: boolean;
  corp_group_prefix: string;
  corp_name_source: "name" | "ticker";
  alliance_groups: boolean;
  alliance_group_prefix: string;
  alliance_name_source: "name" | "ticker";
  replace_spaces: boolean;
  replace_spaces_with: string;
}
export interface AutogroupsConfigStatesTable {
  config_id: number;
  state_id: number;
}
export interface AutogroupsManagedGroupsTable {
  config_id: number;
  kind: "corp" | "alliance";
  /** The corporation or alliance id (EVE id). */
  entity_id: number;
  group_id: number;
}

/** A structure timer (the timerboard app). Author names are kept as they were when it was saved. */
export interface TimerboardTimersTable {
  id: Generated<number>;
  details: string;
  system: string;
  planet_moon: string;
  structure: string;
  timer_type: string;
  objective: string;
  eve_time: Timestamp;
  important: boolean;
  corp_timer: boolean;
  eve_character_id: number | null;
  character_name: string | null;
  corporation_id: number | null;
  corporation_name: string | null;
  user_id: number | null;
  created_at: Timestamp;
}

export interface OptimerTypesTable {
  id: Generated<number>;
  type: string;
}

/** A fleet operation (the optimer app); `start` is EVE time (UTC). */
export interface OptimerTimersTable {
  id: Generated<number>;
  operation_name: string;
  type_id: number | null;
  doctrine: string;
  system: string;
  location: string;
  start: Timestamp;
  duration: string;
  fc: string;
  description: string;
  post_time: Timestamp;
  eve_character_id: number | null;
  character_name: string | null;
  user_id: number | null;
}

/** An SRP fleet; members file losses against its code. `fleet_srp_status` is "" (open) or "Completed". */
export interface SrpFleetsTable {
  id: Generated<number>;
  fleet_name: string;
  doctrine: string;
  fleet_time: Timestamp;
  fleet_srp_code: string;
  fleet_srp_status: string;
  fleet_commander_id: number | null;
  fleet_commander_name: string | null;
  aar_link: string;
  created_at: Timestamp;
}

/** A member's loss filed for replacement; amounts in whole ISK. */
export interface SrpRequestsTable {
  id: Generated<number>;
  fleet_id: number;
  user_id: number;
  character_id: number | null;
  character_name: string;
  killboard_link: string;
  kill_id: number;
  additional_info: string;
  srp_status: "Pending" | "Approved" | "Rejected";
  srp_total_amount: number;
  kb_total_loss: number;
  ship_type_id: number;
  srp_ship_name: string;
  post_time: Timestamp;
}

/** A FAT link: members click it while it is open (`duration` minutes from `fatdatetime`). */
export interface FleetactivitytrackingFatlinksTable {
  id: Generated<number>;
  fleet: string;
  hash: string;
  duration: number;
  fatdatetime: Timestamp;
  creator_id: number | null;
  creator_name: string;
}

/** A recorded participation: one per character and link, with what ESI reported at the click. */
export interface FleetactivitytrackingFatsTable {
  id: Generated<number>;
  fatlink_id: number;
  /** eve_characters.id */
  character_id: number;
  user_id: number;
  corporation_id: number | null;
  corporation_name: string;
  system: string;
  solar_system_id: number | null;
  station: string;
  shiptype: string;
  ship_type_id: number | null;
  created_at: Timestamp;
}

/** Corp stats of one corporation (the original's corputils CorpStats). */
export interface CorputilsCorpstatsTable {
  id: Generated<number>;
  corporation_id: number;
  /** esi_tokens.id; null once the token was deleted (the next update removes the stats). */
  token_id: number | null;
  /** users.id of whoever added them (told when they are removed). */
  owner_id: number | null;
  created_at: Timestamp;
  last_update: Timestamp;
}

/** One character of a corporation as ESI listed it at the last update (the original's CorpMember). */
export interface CorputilsMembersTable {
  corpstats_id: number;
  character_id: number;
  character_name: string;
}

/** A sidebar entry: a synced item of the core, an app or a service (source_id), an admin's folder (no url) or link. */
export interface MenuItemsTable {
  id: Generated<number>;
  /** The MenuItem id in code; null for the admin's own folders and links. */
  source_id: string | null;
  /** The synced item's own label (an i18n key). */
  default_label: string | null;
  /** The admin's label; null = the item's own (translated) label. */
  label: string | null;
  url: string | null;
  icon: string | null;
  sort_order: ColumnType<number, number | undefined, number>;
  /** A folder's id (one level deep). */
  parent_id: number | null;
  is_hidden: ColumnType<boolean, boolean | undefined, boolean>;
}
/** Settings the admin changes at run time: `site_name`, `default_theme`, `custom_css`. */
export interface SiteSettingsTable {
  name: string;
  value: string;
  updated_at: Timestamp;
}
/** The uploaded `logo` and `favicon`. */
export interface SiteAssetsTable {
  kind: string;
  content_type: string;
  data: Buffer;
  sha256: string;
  updated_at: Timestamp;
}
/** The example app's greetings (its admin resource); the newest one is sent. */
export interface ExampleGreetingsTable {
  id: Generated<number>;
  text: string;
  created_at: Timestamp;
}

/** An HR application question; with choices it is answered by picking (one, or several when `multi_select`). */
export interface HrapplicationsQuestionsTable {
  id: Generated<number>;
  title: string;
  help_text: string;
  multi_select: boolean;
}

export interface HrapplicationsChoicesTable {
  id: Generated<number>;
  question_id: number;
  choice_text: string;
  position: number;
}

/** One application form per corporation (by EVE id; the name is kept for display). */
export interface HrapplicationsFormsTable {
  id: Generated<number>;
  corporation_id: number;
  corporation_name: string;
}

export interface HrapplicationsFormQuestionsTable {
  form_id: number;
  question_id: number;
  position: number;
}

/** A member's application to a form (one per form); `approved` null while pending. */
export interface HrapplicationsApplicationsTable {
  id: Generated<number>;
  form_id: number;
  user_id: number;
  approved: boolean | null;
  reviewer_id: number | null;
  reviewer_character_id: number | null;
  created_at: Timestamp;
}

export interface HrapplicationsResponsesTable {
  id: Generated<number>;
  application_id: number;
  question_id: number;
  position: number;
  answer: string;
}

export interface HrapplicationsCommentsTable {
  id: Generated<number>;
  application_id: number;
  user_id: number;
  text: string;
  created_at: Timestamp;
}

export interface DB {
  corputils_corpstats: CorputilsCorpstatsTable;
  corputils_members: CorputilsMembersTable;
  menu_items: MenuItemsTable;
  site_settings: SiteSettingsTable;
  site_assets: SiteAssetsTable;
  example_greetings: ExampleGreetingsTable;
  announcements: AnnouncementsTable;
  announcement_targets: AnnouncementTargetsTable;
  announcement_dismissals: AnnouncementDismissalsTable;
  autogroups_configs: AutogroupsConfigsTable;
  autogroups_config_states: AutogroupsConfigStatesTable;
  autogroups_managed_groups: AutogroupsManagedGroupsTable;
  fleetactivitytracking_fatlinks: FleetactivitytrackingFatlinksTable;
  fleetactivitytracking_fats: FleetactivitytrackingFatsTable;
  hrapplications_questions: HrapplicationsQuestionsTable;
  hrapplications_choices: HrapplicationsChoicesTable;
  hrapplications_forms: HrapplicationsFormsTable;
  hrapplications_form_questions: HrapplicationsFormQuestionsTable;
  hrapplications_applications: HrapplicationsApplicationsTable;
  hrapplications_responses: HrapplicationsResponsesTable;
  hrapplications_comments: HrapplicationsCommentsTable;
  srp_fleets: SrpFleetsTable;
  srp_requests: SrpRequestsTable;
  timerboard_timers: TimerboardTimersTable;
  optimer_types: OptimerTypesTable;
  optimer_timers: OptimerTimersTable;
  mumble_mumbleuser: MumbleMumbleuserTable;
  import_map: ImportMapTable;
  import_runs: ImportRunsTable;
  service_accounts: ServiceAccountsTable;
  ts3_server_groups: Ts3ServerGroupsTable;
  ts3_auth_groups: Ts3AuthGroupsTable;
  ts3_auth_group_server_groups: Ts3AuthGroupServerGroupsTable;
  ts3_state_groups: Ts3StateGroupsTable;
  service_name_formats: ServiceNameFormatsTable;
  service_name_format_states: ServiceNameFormatStatesTable;
  service_sync_state: ServiceSyncStateTable;
  states: StatesTable;
  state_permissions: StatePermissionsTable;
  state_member_characters: StateMemberCharactersTable;
  state_member_corporations: StateMemberCorporationsTable;
  state_member_alliances: StateMemberAlliancesTable;
  state_member_factions: StateMemberFactionsTable;
  group_settings: GroupSettingsTable;
  group_leaders: GroupLeadersTable;
  group_leader_groups: GroupLeaderGroupsTable;
  group_states: GroupStatesTable;
  group_requests: GroupRequestsTable;
  group_request_logs: GroupRequestLogsTable;
  reserved_group_names: ReservedGroupNamesTable;
  notifications: NotificationsTable;
  job_events: JobEventsTable;
  eve_factions: EveFactionsTable;
  eve_alliances: EveAlliancesTable;
  eve_corporations: EveCorporationsTable;
  eve_characters: EveCharactersTable;
  character_ownerships: CharacterOwnershipsTable;
  ownership_records: OwnershipRecordsTable;
  esi_tokens: EsiTokensTable;
  sso_states: SsoStatesTable;
  email_outbox: EmailOutboxTable;
  esi_cache: EsiCacheTable;
  esi_error_budget: EsiErrorBudgetTable;
  discord_ratelimits: DiscordRateLimitsTable;
  eve_sso_throttle: EveSsoThrottleTable;
  users: UsersTable;
  sessions: SessionsTable;
  permissions: PermissionsTable;
  auth_groups: AuthGroupsTable;
  user_groups: UserGroupsTable;
  user_permissions: UserPermissionsTable;
  group_permissions: GroupPermissionsTable;
  audit_log: AuditLogTable;
  audit_log_users: AuditLogUsersTable;
  analytics_install: AnalyticsInstallTable;
  analytics_page_views: AnalyticsPageViewsTable;
  job_outbox: JobOutboxTable;
  login_failures: LoginFailuresTable;
  one_time_tokens: OneTimeTokensTable;
  worker_heartbeats: WorkerHeartbeatsTable;
  admin_job_progress: AdminJobProgressTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type EveCharacter = Selectable<EveCharactersTable>;
export type EsiToken = Selectable<EsiTokensTable>;
