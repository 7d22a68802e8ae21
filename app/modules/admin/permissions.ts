import type { PermissionDeclaration } from "../auth/permission-types";

/** Django's default model permissions for the models the admin site manages (the original's app labels). */
export function adminPermissionDefaults(appLabel: string, model: string, verbose: string): PermissionDeclaration[] {
  return (["view", "add", "change", "delete"] as const).map((verb) => ({ appLabel, codename: `${verb}_${model}`, name: `Can ${verb} ${verbose}` }));
}

export const adminPermissions: PermissionDeclaration[] = [
  ...adminPermissionDefaults("groupmanagement", "reservedgroupname", "reserved group name"),
  ...adminPermissionDefaults("groupmanagement", "requestlog", "group request log"),
  ...adminPermissionDefaults("eveonline", "evecharacter", "eve character"),
  ...adminPermissionDefaults("eveonline", "evecorporationinfo", "eve corporation info"),
  ...adminPermissionDefaults("eveonline", "eveallianceinfo", "eve alliance info"),
  ...adminPermissionDefaults("eveonline", "evefactioninfo", "eve faction info"),
  ...adminPermissionDefaults("authentication", "ownershiprecord", "ownership record"),
  ...adminPermissionDefaults("esi", "token", "token"),
  ...adminPermissionDefaults("notifications", "notification", "notification"),
  // The stored sidebar (the original's allianceauth.menu MenuItem).
  ...adminPermissionDefaults("menu", "menuitem", "menu item"),
];
