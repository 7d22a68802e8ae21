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

/** A path fit for the logs: secrets in paths (setup tokens, activation keys) are replaced. */
export function loggablePath(path: string) {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Keep the raw path; the edge refuses it anyway.
  }
  return decoded.replace(/^\/(setup|account\/activate)\/[^/]+/, "/$1/[redacted]");
}
