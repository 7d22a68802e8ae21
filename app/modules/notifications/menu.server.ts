/** The sidebar entry for notifications (the unread count itself is on the bell in the top bar). */
import { registerMenuItems } from "../menu/registry";

registerMenuItems({ id: "notifications", label: "notifications.nav", to: "/notifications", order: 15 });
