/** Names of the roles the Discord connector manages: every group name and every state name. */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema";
import { managedGroupNames as managedFor } from "~/modules/services/desired.server";
import { meta } from "./meta";

export const managedGroupNames = (db: Kysely<DB>) => managedFor(db, meta);
