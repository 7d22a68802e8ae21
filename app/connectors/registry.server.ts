/**
 * The connectors that are implemented, by id. The services page, the admin actions, the task list
 * and the crontab are built from this list: adding a service is its folder plus one line here
 * (and its meta in catalogue.ts). A connector takes part only when its settings are present.
 */
import type { Settings } from "~/config.server";
import type { Connector } from "~/modules/services/contract";
import { discordConnector } from "./discord/connector.server";
import { discourseConnector } from "./discourse/connector.server";
import { ips4Connector } from "./ips4/connector.server";
import { mumbleConnector } from "./mumble/connector.server";
import { openfireConnector } from "./openfire/connector.server";
import { phpbb3Connector } from "./phpbb3/connector.server";
import { smfConnector } from "./smf/connector.server";
import { teamspeak3Connector } from "./teamspeak3/connector.server";
import { xenforoConnector } from "./xenforo/connector.server";

export const connectors: readonly Connector[] = [discordConnector, discourseConnector, ips4Connector, mumbleConnector, openfireConnector, phpbb3Connector, smfConnector, teamspeak3Connector, xenforoConnector];

export function connectorById(id: string | undefined): Connector | undefined {
  return connectors.find((c) => c.meta.id === id);
}

export function configuredConnectors(settings: Settings): Connector[] {
  return connectors.filter((c) => c.isConfigured(settings));
}
