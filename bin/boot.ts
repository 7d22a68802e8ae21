/** Shared start-up of every process: settings and connections, or one clear line and exit code 1. */
import { ConfigError, getSettings, type Settings } from "../app/config.server";
import { type BootOptions, bootRuntime, type Runtime, StartupError } from "../app/modules/runtime.server";

export function settingsOrExit(): Settings {
  try {
    return getSettings();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) console.error(`Configuration error: ${problem}`);
      process.exit(1);
    }
    throw error;
  }
}

export async function bootOrExit(options: BootOptions): Promise<Runtime> {
  const settings = settingsOrExit();
  try {
    return await bootRuntime(settings, options);
  } catch (error) {
    if (error instanceof StartupError) console.error(`Startup error: ${error.message}`);
    else console.error(`Startup error: ${(error as Error).message?.split("\n")[0] ?? String(error)}`);
    process.exit(1);
  }
}
