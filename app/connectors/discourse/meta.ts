/** Discourse: what the site needs to know about the service (client-safe; no protocol code). */
import { accessPermission, type ConnectorMeta, sanitisers } from "~/modules/services/meta";

export const meta: ConnectorMeta = {
  id: "discourse",
  title: "Discourse",
  accessPermission: accessPermission("discourse", "Discourse"),
  defaultNameFormat: "{character_name}",
  sanitiseName: sanitisers.discourseName,
  sanitiseGroupName: sanitisers.discourseGroup,
  accountActions: ["deactivate"],
  syncsGroups: true,
  syncsNicknames: false,
};
