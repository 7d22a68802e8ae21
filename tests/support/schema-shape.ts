/**
 * The shape of the auth database two ways: what db/schema.ts declares (read with the TypeScript
 * compiler API) and what a migrated database holds (Kysely's introspection), reduced to what both
 * can say: table names, column names, nullability and a coarse type. `schemaDrift` lists every
 * difference.
 */
import { readFileSync } from "node:fs";
import type { Kysely } from "kysely";
import ts from "typescript";
import type { Dialect } from "../../db/dialect";

export type Coarse = "number" | "string" | "boolean" | "date" | "json" | "bytes";

export interface ColumnShape {
  types: Coarse[];
  nullable: boolean;
}

export type DatabaseShape = Record<string, Record<string, ColumnShape>>;

/** Reads `interface DB { table: XTable }` and each table interface from a schema source file. */
export function declaredShape(file: string): DatabaseShape {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  const aliases = new Map<string, ts.TypeNode>();
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement)) interfaces.set(statement.name.text, statement);
    if (ts.isTypeAliasDeclaration(statement)) aliases.set(statement.name.text, statement.type);
  }
  const db = interfaces.get("DB");
  if (!db) throw new Error(`${file} declares no interface DB`);
  const shape: DatabaseShape = {};
  for (const member of db.members) {
    if (!ts.isPropertySignature(member) || !member.type || !ts.isTypeReferenceNode(member.type)) continue;
    const table = interfaces.get(member.type.typeName.getText(source));
    if (!table) throw new Error(`no interface ${member.type.typeName.getText(source)} for table ${member.name.getText(source)}`);
    shape[member.name.getText(source)] = Object.fromEntries(
      table.members.filter(ts.isPropertySignature).map((column) => [column.name.getText(source), typeShape(column.type!, aliases, source)]),
    );
  }
  return shape;
}

function typeShape(node: ts.TypeNode, aliases: Map<string, ts.TypeNode>, source: ts.SourceFile): ColumnShape {
  const types = new Set<Coarse>();
  let nullable = false;
  const visit = (n: ts.TypeNode): void => {
    if (ts.isUnionTypeNode(n)) return n.types.forEach(visit);
    if (ts.isLiteralTypeNode(n)) {
      if (n.literal.kind === ts.SyntaxKind.NullKeyword) nullable = true;
      else if (ts.isStringLiteral(n.literal)) types.add("string");
      else if (ts.isNumericLiteral(n.literal)) types.add("number");
      else types.add("boolean");
      return;
    }
    if (n.kind === ts.SyntaxKind.StringKeyword) return void types.add("string");
    if (n.kind === ts.SyntaxKind.NumberKeyword) return void types.add("number");
    if (n.kind === ts.SyntaxKind.BooleanKeyword) return void types.add("boolean");
    if (n.kind === ts.SyntaxKind.UndefinedKeyword) return;
    if (ts.isTypeReferenceNode(n)) {
      const name = n.typeName.getText(source);
      // Generated<T> and ColumnType<Select, Insert, Update>: what a select returns.
      if ((name === "Generated" || name === "ColumnType") && n.typeArguments?.length) return visit(n.typeArguments[0]);
      if (name === "Date") return void types.add("date");
      if (name === "Buffer" || name === "Uint8Array") return void types.add("bytes");
      const alias = aliases.get(name);
      if (alias) return visit(alias);
    }
    throw new Error(`db/schema.ts: cannot reduce the type ${n.getText(source)}`);
  };
  visit(node);
  return { types: [...types].sort(), nullable };
}

const DATA_TYPES: Record<Dialect, Record<string, Coarse[]>> = {
  postgres: {
    int2: ["number"], int4: ["number"], int8: ["number"], numeric: ["number"], float4: ["number"], float8: ["number"],
    text: ["string"], varchar: ["string"], bpchar: ["string"], uuid: ["string"], citext: ["string"],
    bool: ["boolean"], timestamptz: ["date"], timestamp: ["date"], date: ["date"], json: ["json", "string"], jsonb: ["json", "string"], bytea: ["bytes"],
  },
  mysql: {
    int: ["number"], bigint: ["number"], smallint: ["number"], mediumint: ["number"], decimal: ["number"], double: ["number"], float: ["number"],
    // MySQL has no boolean: BOOLEAN is TINYINT(1).
    tinyint: ["boolean", "number"],
    varchar: ["string"], char: ["string"], text: ["string"], tinytext: ["string"], mediumtext: ["string"], longtext: ["string", "json"], enum: ["string"],
    datetime: ["date"], timestamp: ["date"], date: ["date"], json: ["json", "string"], blob: ["bytes"], varbinary: ["bytes"], mediumblob: ["bytes"], longblob: ["bytes"],
  },
};

/** What the migrated database holds: the application's tables only (not the migrator's, not graphile-worker's). */
export async function migratedShape(db: Kysely<any>, dialect: Dialect): Promise<Record<string, Record<string, { dataType: string; nullable: boolean }>>> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: false });
  return Object.fromEntries(
    tables
      .filter((t) => !t.isView && (dialect === "mysql" || t.schema === "public"))
      .map((t) => [t.name, Object.fromEntries(t.columns.map((c) => [c.name, { dataType: c.dataType.toLowerCase(), nullable: c.isNullable }]))]),
  );
}

/** Every difference between the declared and the migrated shape, one line each. */
export function schemaDrift(declared: DatabaseShape, migrated: Awaited<ReturnType<typeof migratedShape>>, dialect: Dialect): string[] {
  const out: string[] = [];
  for (const table of Object.keys(migrated)) if (!declared[table]) out.push(`${table}: in the migrations, not in db/schema.ts`);
  for (const [table, columns] of Object.entries(declared)) {
    const actual = migrated[table];
    if (!actual) {
      out.push(`${table}: in db/schema.ts, not in the migrations`);
      continue;
    }
    for (const column of Object.keys(actual)) if (!columns[column]) out.push(`${table}.${column}: in the migrations, not in db/schema.ts`);
    for (const [column, shape] of Object.entries(columns)) {
      const real = actual[column];
      if (!real) {
        out.push(`${table}.${column}: in db/schema.ts, not in the migrations`);
        continue;
      }
      if (real.nullable !== shape.nullable) out.push(`${table}.${column}: ${shape.nullable ? "nullable" : "not null"} in db/schema.ts, ${real.nullable ? "nullable" : "not null"} in the database`);
      const allowed = DATA_TYPES[dialect][real.dataType];
      if (!allowed) out.push(`${table}.${column}: unknown ${dialect} type ${real.dataType}`);
      else if (!shape.types.every((t) => allowed.includes(t))) out.push(`${table}.${column}: ${shape.types.join(" | ")} in db/schema.ts, ${real.dataType} in the database`);
    }
  }
  return out;
}
