/** Binds the DiscordPort to the REST client (shared rate limiter in the database). */
import type { Kysely } from "kysely";
import type { Settings } from "~/config.server";
import type { DB } from "../../../db/schema";
import type { DiscordPort } from "./port";

export function discordPort(_db: Kysely<DB>, _settings: Settings): DiscordPort {
  throw new Error("the Discord REST client is not available yet");
}
