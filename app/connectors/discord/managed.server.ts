/** Names of the roles the Discord connector manages: every group name and every state name. */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { managedGroupNames as managed } from "~/modules/services/managed.server";
import { meta } from "./meta";

export const managedGroupNames = (db: Kysely<DB>) => managed(db, meta);
