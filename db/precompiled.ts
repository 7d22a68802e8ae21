/**
 * Queries that every page runs, built and compiled once per dialect and then run with new values.
 *
 * Kysely builds an immutable operation tree and compiles it to SQL on every call: for the session
 * statement that is ~80 µs and ~30 KB of garbage per request, for a page of eight statements a sixth
 * of the server's allocations (decision 0047). `precompiled` runs the builder once per dialect with
 * placeholder values, keeps the SQL and where each value goes, and afterwards only fills in the
 * values. The statement is the same text Kysely would have sent, so PostgreSQL's kept plans
 * (decision 0044) apply as before.
 *
 * The builder must not look at its values (no `if (params.x)`, no lists for `in`): the SQL is fixed
 * after the first call. Both are checked: a value read but not sent as a parameter fails the first
 * call, and an array value fails every call.
 */
import { type Compilable, type CompiledQuery, createQueryId, type Kysely, type RootOperationNode } from "kysely";
import type { DB } from "./schema";
import { type Dialect, dialectOf } from "./dialect";

/** A database or a transaction (a Transaction is a Kysely). */
type Executor = Kysely<DB>;

/** Stands in for one named value while the builder runs. */
class Slot {
  constructor(readonly name: string) {}
}

interface Compiled {
  sql: string;
  query: RootOperationNode;
  /** A parameter's value: a named value of the call, or a constant the builder wrote itself. */
  parameters: readonly (Slot | { constant: unknown })[];
}

export interface Precompiled<P, O> {
  /** Every row. */
  execute(db: Executor, params: P): Promise<O[]>;
  /** The first row, or undefined. */
  executeTakeFirst(db: Executor, params: P): Promise<O | undefined>;
  /** The SQL and parameters that `execute` would send (for tests). */
  compile(db: Executor, params: P): CompiledQuery<O>;
}

/**
 * A query whose SQL is compiled once per dialect. `build` receives the database and the values by
 * name; it must use each value it reads as a plain value (compared, inserted, selected).
 */
export function precompiled<P extends Record<string, unknown>, O>(build: (db: Executor, params: P) => Compilable<O>): Precompiled<P, O> {
  const byDialect = new Map<Dialect, Compiled>();

  function compiledFor(db: Executor): Compiled {
    const dialect = dialectOf(db);
    let compiled = byDialect.get(dialect);
    if (compiled) return compiled;
    const slots = new Map<string, Slot>();
    const placeholders = new Proxy({} as P, {
      get(_target, key) {
        if (typeof key !== "string") return undefined;
        let slot = slots.get(key);
        if (!slot) slots.set(key, (slot = new Slot(key)));
        return slot;
      },
    });
    const first = build(db, placeholders).compile();
    const used = new Set<Slot>();
    const parameters = first.parameters.map((value) => {
      if (value instanceof Slot) {
        used.add(value);
        return value;
      }
      return { constant: value };
    });
    for (const slot of slots.values()) {
      if (!used.has(slot)) throw new Error(`precompiled query: "${slot.name}" is read by the builder but never sent as a parameter (a fixed query cannot branch on its values)`);
    }
    compiled = { sql: first.sql, query: first.query, parameters };
    byDialect.set(dialect, compiled);
    return compiled;
  }

  function compile(db: Executor, params: P): CompiledQuery<O> {
    const compiled = compiledFor(db);
    const parameters = compiled.parameters.map((p) => {
      if (!(p instanceof Slot)) return p.constant;
      const value = params[p.name];
      if (Array.isArray(value)) throw new Error(`precompiled query: "${p.name}" is a list; a fixed query takes single values`);
      return value;
    });
    return { sql: compiled.sql, query: compiled.query, queryId: createQueryId(), parameters };
  }

  return {
    compile,
    async execute(db, params) {
      return (await db.executeQuery(compile(db, params))).rows;
    },
    async executeTakeFirst(db, params) {
      return (await db.executeQuery(compile(db, params))).rows[0];
    },
  };
}
