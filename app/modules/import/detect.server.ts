/**
 * Which Alliance Auth schema a database holds, from `django_migrations`. 4.x is required
 * (authentication 0022_userprofile_theme); 3.x is accepted where its schema is the same (no theme
 * column, read as NULL). Older, newer (a table or column we read is gone) or not AA: refused.
 */
import { type Source, SourceError } from "./source.server";

export interface SourceVersion {
  series: "3.x" | "4.x";
  /** The newest authentication migration, e.g. "0023_alter_userprofile_language". */
  authentication: string;
  hasTheme: boolean;
}

/** Tables and columns the importer reads; a newer schema that drops one is refused by name. */
export const REQUIRED_COLUMNS: Record<string, string[]> = {
  auth_user: ["id", "password", "last_login", "is_superuser", "username", "email", "is_staff", "is_active", "date_joined"],
  authentication_userprofile: ["user_id", "main_character_id", "state_id", "language", "night_mode"],
  authentication_state: ["id", "name", "priority", "public"],
  eveonline_evecharacter: ["id", "character_id", "character_name", "corporation_id", "alliance_id", "faction_id"],
  groupmanagement_authgroup: ["group_id", "internal", "hidden", "open", "public", "restricted", "description"],
  esi_token: ["id", "access_token", "refresh_token", "character_id", "user_id", "character_owner_hash"],
};

export async function detectVersion(source: Source): Promise<SourceVersion> {
  const tables = await source.tables();
  if (!tables.has("django_migrations")) throw new SourceError("not an Alliance Auth database: it has no django_migrations table");
  const rows = await source.query("select app, name from django_migrations where app in ('authentication', 'groupmanagement', 'eveonline')");
  const auth = rows.filter((r) => r.app === "authentication").map((r) => String(r.name)).sort();
  if (auth.length === 0 || !rows.some((r) => r.app === "eveonline")) {
    throw new SourceError("not an Alliance Auth database: django_migrations has no authentication/eveonline migrations");
  }
  const newest = auth[auth.length - 1];
  const number = Number(newest.slice(0, 4));
  const hasTheme = auth.includes("0022_userprofile_theme");
  if (!auth.includes("0020_userprofile_language_userprofile_night_mode")) {
    throw new SourceError(`Alliance Auth schema too old: newest authentication migration is ${newest}; 3.x (0020) or 4.x (0022) is required, upgrade the source first`);
  }
  for (const [table, columns] of Object.entries(REQUIRED_COLUMNS)) {
    if (!tables.has(table)) throw new SourceError(`Alliance Auth schema not supported (authentication ${newest}): table ${table} is missing`);
    const have = await source.columns(table);
    const missing = columns.filter((c) => !have.has(c));
    if (missing.length) throw new SourceError(`Alliance Auth schema too new or altered (authentication ${newest}): ${table} lacks ${missing.join(", ")}`);
  }
  return { series: hasTheme || number > 22 ? "4.x" : "3.x", authentication: newest, hasTheme };
}
