import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import { hashPassword } from "~/modules/auth/password.server";

let n = 0;

export async function makeUser(
  db: Kysely<DB>,
  fields: Partial<{ username: string; password: string; is_active: boolean; is_staff: boolean; is_superuser: boolean; email: string }> = {},
) {
  const username = fields.username ?? `user${++n}_${Math.floor(Math.random() * 1e6)}`;
  await db
    .insertInto("users")
    .values({
      username,
      email: fields.email ?? null,
      password_hash: fields.password ? await hashPassword(fields.password) : null,
      is_active: fields.is_active ?? true,
      is_staff: fields.is_staff ?? false,
      is_superuser: fields.is_superuser ?? false,
      language: null,
      theme: null,
      date_joined: new Date(),
      last_login: null,
    })
    .execute();
  return db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirstOrThrow();
}

export async function makeGroup(db: Kysely<DB>, name = `group${++n}_${Math.floor(Math.random() * 1e6)}`) {
  await db.insertInto("auth_groups").values({ name }).execute();
  return db.selectFrom("auth_groups").selectAll().where("name", "=", name).executeTakeFirstOrThrow();
}

export async function permissionId(db: Kysely<DB>, key: string) {
  const [app_label, codename] = key.split(".");
  const row = await db.selectFrom("permissions").select("id").where("app_label", "=", app_label).where("codename", "=", codename).executeTakeFirstOrThrow();
  return row.id;
}
