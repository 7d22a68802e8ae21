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

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  permissions: PermissionsTable;
  auth_groups: AuthGroupsTable;
  user_groups: UserGroupsTable;
  user_permissions: UserPermissionsTable;
  group_permissions: GroupPermissionsTable;
  audit_log: AuditLogTable;
  job_outbox: JobOutboxTable;
  login_failures: LoginFailuresTable;
  one_time_tokens: OneTimeTokensTable;
  worker_heartbeats: WorkerHeartbeatsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type AuditRow = Selectable<AuditLogTable>;
