/** The Openfire settings the connector and the broadcast read (declared in app/config.server.ts). */
import type { Settings } from "~/config.server";

export function openfireSettings(settings: Settings) {
  return {
    configured: Boolean(settings.OPENFIRE_ADDRESS && settings.OPENFIRE_SECRET_KEY && settings.JABBER_URL),
    address: settings.OPENFIRE_ADDRESS,
    secret: settings.OPENFIRE_SECRET_KEY,
    domain: settings.JABBER_URL,
    broadcast: {
      configured: Boolean(settings.JABBER_URL && settings.BROADCAST_USER && settings.BROADCAST_USER_PASSWORD),
      jid: settings.BROADCAST_USER,
      password: settings.BROADCAST_USER_PASSWORD,
      serviceName: settings.BROADCAST_SERVICE_NAME,
      host: settings.JABBER_SERVER || settings.JABBER_URL,
      port: settings.JABBER_PORT,
      ignoreInvalidCert: settings.BROADCAST_IGNORE_INVALID_CERT,
    },
  };
}
