import { getSettings } from "~/config.server";
import { configuredConnectors } from "../../connectors/registry.server";
import { permissionKey } from "../auth/permission-types";
import type { MenuItem } from "../menu/types";

/** "Services": shown to whoever may use at least one configured service (the page lists them). */
export const servicesMenu: readonly MenuItem[] = [
  {
    id: "services",
    label: "nav.services",
    to: "/services",
    order: 40,
    visible: async (user) => user.is_superuser || configuredConnectors(getSettings()).some((c) => user.permissions.has(permissionKey(c.meta.accessPermission))),
  },
];
