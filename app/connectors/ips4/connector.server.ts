/** IPS4 as a Connector: the shared forum-database connector over IPS's core_members. */
import { forumConnector } from "../mysql-forum/connector.server";
import { ips4Adapter } from "./adapter.server";
import { meta } from "./meta";

export const ips4Connector = forumConnector({
  meta,
  configured: (settings) => Boolean(settings.IPS4_DATABASE_URL),
  adapter: ips4Adapter,
  siteUrl: (settings) => settings.IPS4_URL || null,
});
