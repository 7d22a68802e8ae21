import type { Runtime } from "../runtime.server";
import { getLogger } from "../ops/logger.server";
import { countSuperusers, issueSetupToken } from "./users.server";

/** First run: with no superuser yet, print a one-time URL that creates one. */
export async function announceSetupIfNeeded(runtime: Runtime) {
  if ((await countSuperusers(runtime.db)) > 0) return null;
  const token = await issueSetupToken(runtime.db, runtime.settings);
  const url = `${runtime.settings.SITE_URL}/setup/${token}`;
  getLogger().info({ validHours: runtime.settings.SETUP_TOKEN_HOURS }, "no superuser yet: first-run setup URL printed to stdout");
  console.log(`\nFirst run: create the first superuser at ${url}\n(valid ${runtime.settings.SETUP_TOKEN_HOURS} h, once; or run \`npm run createsuperuser\`)\n`);
  return url;
}
