/** The sidebar entry of the states list; the pages check the permission again. */
import type { MenuItem } from "../menu/types";

export const statesMenu: readonly MenuItem[] = [{ id: "states", label: "nav.states", to: "/states", icon: "landmark", order: 700, permission: "authentication.view_state" }];
