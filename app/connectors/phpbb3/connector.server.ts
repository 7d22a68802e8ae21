/** phpBB3 as a Connector: the shared forum-database connector over phpBB's tables. */
import { forumConnector } from "../mysql-forum/connector.server";
import { phpbbAdapter } from "./adapter.server";
import { meta } from "./meta";

export const phpbb3Connector = forumConnector({
  meta,
  configured: (settings) => Boolean(settings.PHPBB3_DATABASE_URL),
  adapter: phpbbAdapter,
  siteUrl: (settings) => settings.PHPBB3_URL || null,
});
