import { getSettings } from "~/config.server";
import { configuredConnectors } from "../../connectors/registry.server";
import { permissionKey } from "../auth/permission-types";
import { registerMenuItems } from "../menu/registry";

/** "Services": shown to whoever may use at least one configured service (the page lists them). */
registerMenuItems({
  id: "services",
  label: "nav.services",
  to: "/services",
  order: 40,
  visible: async (user) => user.is_superuser || configuredConnectors(getSettings()).some((c) => user.permissions.has(permissionKey(c.meta.accessPermission))),
});
