import { configuredConnectors } from "../../connectors/registry.server";
import { permissionKey } from "../auth/permission-types";
import type { MenuItem } from "../menu/types";
import { BROADCAST_PERMISSION, broadcastConfigured } from "../../connectors/openfire/broadcast.server";

/** "Services": shown to whoever may use at least one configured service (the page lists them). */
export const servicesMenu: readonly MenuItem[] = [
  {
    id: "services",
    label: "nav.services",
    to: "/services",
    icon: "plug",
    order: 40,
    visible: async (user, { settings }) => user.is_superuser || configuredConnectors(settings).some((c) => user.permissions.has(permissionKey(c.meta.accessPermission))),
  },
  /** The original's "Jabber Broadcast" (its page checks auth.jabber_broadcast), when the bot is configured. */
  { id: "jabber-broadcast", label: "nav.jabberBroadcast", to: "/openfire/broadcast", icon: "radio", order: 42, permission: BROADCAST_PERMISSION, visible: async (_user, { settings }) => broadcastConfigured(settings) },
];
