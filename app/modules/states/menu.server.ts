import { registerMenuItems } from "../menu/registry";

registerMenuItems({ id: "states", label: "nav.states", to: "/states", order: 700, permission: "authentication.view_state" });
