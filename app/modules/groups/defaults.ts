/** The original's AuthGroup defaults: a new group is internal and hidden (client-safe). */
export const DEFAULT_GROUP_SETTINGS = { internal: true, hidden: true, open: false, public: false, restricted: false, description: "" } as const;

export const GROUP_FLAGS = ["internal", "hidden", "open", "public", "restricted"] as const;
export type GroupFlag = (typeof GROUP_FLAGS)[number];
