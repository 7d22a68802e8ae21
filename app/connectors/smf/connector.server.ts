/** SMF as a Connector: the shared forum-database connector over SMF's tables. */
import { forumConnector } from "../mysql-forum/connector.server";
import { smfAdapter } from "./adapter.server";
import { meta } from "./meta";

export const smfConnector = forumConnector({
  meta,
  configured: (settings) => Boolean(settings.SMF_DATABASE_URL),
  adapter: smfAdapter,
  siteUrl: (settings) => settings.SMF_URL || null,
});
