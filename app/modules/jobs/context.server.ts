/**
 * The process's database and settings for the worker's task entries (`tasks.server.ts`, jobs/):
 * a task reads them here once and passes them on; domain functions take them as parameters.
 */
import type { ConnectorContext } from "../services/contract";
import { getRuntime } from "../runtime.server";

export function taskContext(): ConnectorContext {
  const { db, settings } = getRuntime();
  return { db, settings };
}
