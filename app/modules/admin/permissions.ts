import type { PermissionDeclaration } from "../auth/permission-types";

/** Django's default model permissions for the models the admin site manages (the original's app labels). */
function defaults(appLabel: string, model: string, verbose: string): PermissionDeclaration[] {
  return (["view", "add", "change", "delete"] as const).map((verb) => ({ appLabel, codename: `${verb}_${model}`, name: `Can ${verb} ${verbose}` }));
}

export const adminPermissions: PermissionDeclaration[] = [
  ...defaults("groupmanagement", "reservedgroupname", "reserved group name"),
  ...defaults("groupmanagement", "requestlog", "group request log"),
  ...defaults("eveonline", "evecharacter", "eve character"),
  ...defaults("eveonline", "evecorporationinfo", "eve corporation info"),
  ...defaults("eveonline", "eveallianceinfo", "eve alliance info"),
  ...defaults("eveonline", "evefactioninfo", "eve faction info"),
  ...defaults("authentication", "ownershiprecord", "ownership record"),
  ...defaults("esi", "token", "token"),
  ...defaults("notifications", "notification", "notification"),
];
