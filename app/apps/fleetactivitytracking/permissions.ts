/** Fleet activity tracking's permission keys (the original's legacy codenames on auth.user) and token scopes. */
export const FAT_MANAGE = "auth.fleetactivitytracking" as const;
export const FAT_STATISTICS = "auth.fleetactivitytracking_statistics" as const;

/** What a click reads from ESI: online status, location (structures by name) and ship. */
export const FAT_SCOPES = ["esi-location.read_location.v1", "esi-location.read_ship_type.v1", "esi-location.read_online.v1", "esi-universe.read_structures.v1"] as const;

/** The original's form: a fleet name of at most 50 characters, a duration of 1 minute or more (30 by default). */
export const FLEET_MAX = 50;
export const DURATION_DEFAULT = 30;
export const DURATION_MAX = 2_147_483_647;
