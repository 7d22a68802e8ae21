import path from "node:path";
import { inject } from "vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Database, ensureDatabaseExists, migrateToLatest } from "../../db/index.server";
import { dialects } from "../support/db";
import { declaredShape, migratedShape, schemaDrift } from "../support/schema-shape";

const SCHEMA = path.resolve(__dirname, "../../db/schema.ts");

function freshUrl(server: string, name: string) {
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
}

describe("db/schema.ts read by the compiler API", () => {
  const declared = declaredShape(SCHEMA);

  it("gives every table its columns, nullability and coarse type", () => {
    expect(Object.keys(declared).length).toBeGreaterThan(30);
    expect(declared.users.id).toEqual({ types: ["number"], nullable: false });
    expect(declared.users.main_character_id).toEqual({ types: ["number"], nullable: true });
    expect(declared.notifications.level).toEqual({ types: ["string"], nullable: false });
    expect(declared.notifications.created_at).toEqual({ types: ["date"], nullable: false });
    expect(declared.users.is_superuser).toEqual({ types: ["boolean"], nullable: false });
  });

  it("reports each kind of drift", () => {
    const migrated = {
      users: { id: { dataType: "int4", nullable: false }, username: { dataType: "int4", nullable: true }, extra: { dataType: "text", nullable: true } },
      stray: { id: { dataType: "int4", nullable: false } },
    };
    const drift = schemaDrift({ users: { id: { types: ["number"], nullable: false }, username: { types: ["string"], nullable: false }, gone: { types: ["string"], nullable: false } }, sessions: {} }, migrated, "postgres");
    expect(drift).toEqual([
      "stray: in the migrations, not in db/schema.ts",
      "users.extra: in the migrations, not in db/schema.ts",
      "users.username: not null in db/schema.ts, nullable in the database",
      "users.username: string in db/schema.ts, int4 in the database",
      "users.gone: in db/schema.ts, not in the migrations",
      "sessions: in db/schema.ts, not in the migrations",
    ]);
  });
});

describe.each(dialects)("db/schema.ts against the migrations on $dialect", ({ dialect, skip }) => {
  let db: Database;
  beforeAll(async () => {
    if (skip) return;
    const server = dialect === "postgres" ? inject("pgServerUrl") : inject("mysqlServerUrl")!;
    const url = freshUrl(server, `aa_test_drift_${inject("runId")}_${process.pid}`);
    await ensureDatabaseExists(url);
    db = createDb(url, { poolSize: 2 });
    await migrateToLatest(db);
  });
  afterAll(async () => db?.destroy());

  it.skipIf(skip)("every table and column matches: name, nullability, coarse type", async () => {
    const drift = schemaDrift(declaredShape(SCHEMA), await migratedShape(db, dialect), dialect);
    expect(drift).toEqual([]);
  });
});
