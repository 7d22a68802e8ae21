/** The SRP app's permission keys (the original's codenames). */
export const SRP_ACCESS = "srp.access_srp" as const;
export const SRP_MANAGE = "auth.srp_management" as const;
export const SRP_ADD_FLEET = "srp.add_srpfleetmain" as const;
export const SRP_STATUSES = ["Pending", "Approved", "Rejected"] as const;
export type SrpStatus = (typeof SRP_STATUSES)[number];
