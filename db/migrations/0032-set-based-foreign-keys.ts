/**
 * PostgreSQL: the two foreign keys a state change writes through, `users.state_id → states` and
 * `notifications.user_id → users`, are checked once per statement instead of once per row.
 *
 * A declared foreign key runs a trigger and a lookup for every row it touches: a state edit that
 * moves 100,000 members spent about a third of its time there (0.6 s for the `users` updates,
 * 0.6 s for the notifications). The same rules, kept by statement triggers that see the
 * statement's rows as a table (transition tables), cost one join per statement:
 *
 * - a `users` row inserted, or updated to another state, must name an existing state; those
 *   states are locked against deletion until the transaction ends (FOR KEY SHARE, as a foreign
 *   key locks them);
 * - deleting a state clears its holders' `state_id` (the key's ON DELETE SET NULL);
 * - a notification inserted, or moved to another user, must name an existing user, locked alike;
 * - deleting a user deletes the user's notifications (ON DELETE CASCADE);
 * - a referenced id cannot change (the keys' ON UPDATE NO ACTION).
 *
 * A violation raises `foreign_key_violation` (SQLSTATE 23503) with the old constraint's name, as
 * the declared key did. MySQL/MariaDB: unchanged; InnoDB checks a key inside the row write, and
 * has no statement triggers.
 */
import { type Kysely, sql } from "kysely";
import { dialectOf } from "../dialect";

interface Key {
  /** The declared constraint this replaces (its name is kept in errors). */
  name: string;
  child: string;
  column: string;
  parent: string;
  /** What deleting a parent does to its children. */
  onDelete: "set null" | "cascade";
}

const KEYS: Key[] = [
  { name: "users_state_id_fk", child: "users", column: "state_id", parent: "states", onDelete: "set null" },
  { name: "notifications_user_fk", child: "notifications", column: "user_id", parent: "users", onDelete: "cascade" },
];

/**
 * The lock that stands in for a foreign key's row locks: a child's statement holds it shared until
 * its transaction ends, a parent's delete takes it exclusively before it makes the children follow.
 * Keyed by the two tables' oids (the two-number form of advisory locks), apart from the keys
 * other code of this database uses.
 */
const lockKey = (key: Key) => `'${key.parent}'::regclass::oid::int, '${key.child}'::regclass::oid::int`;

/**
 * The child's statement wrote `new_rows` (an update also has `old_rows`, matched by id): every key
 * that is new or changed must name an existing parent. An update that leaves the key alone (a
 * login's last_login, a notification marked read) finds nothing to check.
 *
 * A foreign key locks each parent row it checks, so that no one deletes it before the child
 * commits. Here the child holds the shared lock above; a parent's delete waits for it, then
 * removes or clears the children it can see, the new ones included. A child written after the
 * delete waits for the deleting transaction, and its check (a new snapshot: READ COMMITTED, which
 * is all this application uses) no longer finds the parent.
 */
function childCheck(key: Key, event: "insert" | "update") {
  const { name, child, column, parent } = key;
  const written =
    event === "update"
      ? `select n.${column} as k from new_rows n left join old_rows o on o.id = n.id where n.${column} is not null and (o.id is null or o.${column} is distinct from n.${column})`
      : `select n.${column} as k from new_rows n where n.${column} is not null`;
  return `create function ${name}_${event}() returns trigger language plpgsql as $$
declare
  missing bigint;
begin
  perform pg_advisory_xact_lock_shared(${lockKey(key)});
  select w.k into missing from (${written}) w where not exists (select 1 from ${parent} p where p.id = w.k) limit 1;
  if found then
    raise foreign_key_violation using
      message = 'insert or update on table "${child}" violates foreign key constraint "${name}"',
      detail = format('Key (${column})=(%s) is not present in table "${parent}".', missing),
      table = '${child}', constraint = '${name}';
  end if;
  return null;
end $$`;
}

/** The parent's statement deleted `old_rows`: their children follow (SET NULL or CASCADE), the uncommitted ones once they commit. */
function parentDelete(key: Key) {
  const { name, child, column, parent } = key;
  const follow =
    key.onDelete === "cascade"
      ? `delete from ${child} c where c.${column} in (select o.id from old_rows o)`
      : `update ${child} c set ${column} = null where c.${column} in (select o.id from old_rows o)`;
  return `create function ${name}_${parent}_delete() returns trigger language plpgsql as $$
begin
  perform pg_advisory_xact_lock(${lockKey(key)});
  ${follow};
  return null;
end $$`;
}

/** A referenced id may not change (the keys' ON UPDATE NO ACTION); checked per row, only when an id changes, which nothing does. */
function parentUpdate(key: Key) {
  const { name, child, column, parent } = key;
  return `create function ${name}_${parent}_update() returns trigger language plpgsql as $$
begin
  if exists (select 1 from ${child} c where c.${column} = old.id) then
    raise foreign_key_violation using
      message = 'update on table "${parent}" violates foreign key constraint "${name}" on table "${child}"',
      detail = format('Key (id)=(%s) is still referenced from table "${child}".', old.id),
      table = '${parent}', constraint = '${name}';
  end if;
  return null;
end $$`;
}

function triggers(key: Key) {
  const { name, child, parent } = key;
  return [
    childCheck(key, "insert"),
    `create trigger ${name}_insert after insert on ${child} referencing new table as new_rows for each statement execute function ${name}_insert()`,
    childCheck(key, "update"),
    `create trigger ${name}_update after update on ${child} referencing old table as old_rows new table as new_rows for each statement execute function ${name}_update()`,
    parentDelete(key),
    `create trigger ${name}_${parent}_delete after delete on ${parent} referencing old table as old_rows for each statement execute function ${name}_${parent}_delete()`,
    parentUpdate(key),
    `create trigger ${name}_${parent}_update after update of id on ${parent} for each row when (old.id is distinct from new.id) execute function ${name}_${parent}_update()`,
  ];
}

export async function up(db: Kysely<any>) {
  if (dialectOf(db) !== "postgres") return;
  for (const key of KEYS) {
    await sql.raw(`alter table ${key.child} drop constraint ${key.name}`).execute(db);
    for (const statement of triggers(key)) await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<any>) {
  if (dialectOf(db) !== "postgres") return;
  for (const key of KEYS) {
    const { name, child, column, parent } = key;
    await sql.raw(`drop trigger ${name}_insert on ${child}`).execute(db);
    await sql.raw(`drop trigger ${name}_update on ${child}`).execute(db);
    await sql.raw(`drop trigger ${name}_${parent}_delete on ${parent}`).execute(db);
    await sql.raw(`drop trigger ${name}_${parent}_update on ${parent}`).execute(db);
    for (const fn of [`${name}_insert`, `${name}_update`, `${name}_${parent}_delete`, `${name}_${parent}_update`]) await sql.raw(`drop function ${fn}()`).execute(db);
    await sql.raw(`alter table ${child} add constraint ${name} foreign key (${column}) references ${parent} (id) on delete ${key.onDelete}`).execute(db);
  }
}
