/** Structured JSON logs on stdout. Never log tokens, passwords or cookies. */
import pino from "pino";

const LOGGER_KEY = Symbol.for("allianceauth.logger");
type Holder = { [LOGGER_KEY]?: pino.Logger };

export function getLogger(): pino.Logger {
  const holder = globalThis as Holder;
  if (!holder[LOGGER_KEY]) {
    holder[LOGGER_KEY] = pino({
      level: process.env.LOG_LEVEL || "info",
      base: { service: "allianceauth" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ["password", "token", "cookie", "*.password", "*.token", "*.cookie", "req.headers.cookie"], remove: true },
    });
  }
  return holder[LOGGER_KEY]!;
}
