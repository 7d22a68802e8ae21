/** Records in the admin: notifications, group request logs, and the permission list (view only). */
import { flag, viewDelete } from "./shared.server";

export const notificationsResource = viewDelete({
  key: "notifications",
  label: "admin.resources.notifications",
  appLabel: "notifications",
  model: "notification",
  auditType: "notification",
  table: "notifications",
  pk: { expr: "n.id", kind: "number" },
  columns: [
    { name: "username", label: "admin.col.username", expr: "u.username" },
    { name: "level", label: "admin.col.level", expr: "n.level" },
    { name: "title", label: "admin.col.title", expr: "n.title" },
    flag("admin.col.viewed", "viewed", { expr: "n.viewed" }),
    { name: "created_at", label: "admin.col.created", expr: "n.created_at", sortable: true, kind: "date" },
  ],
  search: ["n.title", "u.username"],
  listQuery: (db) => db.selectFrom("notifications as n").innerJoin("users as u", "u.id", "n.user_id").select(["n.id as id", "u.username as username", "n.level as level", "n.title as title", "n.viewed as viewed", "n.created_at as created_at"]),
  title: (row) => String(row.title),
});

export const groupRequestLogsResource = viewDelete({
  key: "group-request-logs",
  label: "admin.resources.groupRequestLogs",
  appLabel: "groupmanagement",
  model: "requestlog",
  auditType: "group_request_log",
  table: "group_request_logs",
  pk: { expr: "l.id", kind: "number" },
  columns: [
    { name: "group_name", label: "admin.col.group", expr: "g.name" },
    { name: "request_type", label: "admin.col.type", expr: "l.request_type" },
    { name: "request_info", label: "admin.col.info", expr: "l.request_info" },
    flag("admin.col.approved", "action", { expr: "l.action" }),
    { name: "created_at", label: "admin.col.created", expr: "l.created_at", sortable: true, kind: "date" },
  ],
  search: ["g.name", "l.request_info"],
  listQuery: (db) =>
    db
      .selectFrom("group_request_logs as l")
      .innerJoin("auth_groups as g", "g.id", "l.group_id")
      .select(["l.id as id", "g.name as group_name", "l.request_type as request_type", "l.request_info as request_info", "l.action as action", "l.created_at as created_at"]),
  title: (row) => `${row.group_name}: ${row.request_info}`,
});

export const permissionsResource = viewDelete({
  key: "permissions",
  label: "admin.resources.permissions",
  appLabel: "auth",
  model: "permission",
  staffVisible: true,
  noDelete: true,
  auditType: "permission",
  table: "permissions",
  pk: { expr: "id", kind: "number" },
  defaultSort: "codename",
  columns: [
    { name: "app_label", label: "admin.col.app", expr: "app_label", sortable: true },
    { name: "codename", label: "admin.col.codename", expr: "codename", sortable: true },
    { name: "name", label: "admin.col.name", expr: "name" },
  ],
  search: ["app_label", "codename", "name"],
  listQuery: (db) => db.selectFrom("permissions").select(["id", "app_label", "codename", "name"]),
  title: (row) => `${row.app_label}.${row.codename}`,
});
