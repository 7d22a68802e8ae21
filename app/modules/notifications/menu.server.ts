/** The sidebar entry for notifications (the unread count itself is on the bell in the top bar). */
import type { MenuItem } from "../menu/types";

export const notificationsMenu: readonly MenuItem[] = [{ id: "notifications", label: "notifications.nav", to: "/notifications", icon: "bell", order: 15 }];
