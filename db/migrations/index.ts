/** The ordered list of migrations. Static imports keep them inside bundles and Docker images. */
import type { Migration } from "kysely";
import * as m0001 from "./0001-foundation";

export const migrations: Record<string, Migration> = {
  "0001-foundation": m0001,
};
