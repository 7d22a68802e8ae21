/** A permission a module declares: `app_label.codename`, as in the original, plus a description. */
export interface PermissionDeclaration {
  appLabel: string;
  codename: string;
  name: string;
}

export type PermissionKey = `${string}.${string}`;

export function permissionKey(p: Pick<PermissionDeclaration, "appLabel" | "codename">): PermissionKey {
  return `${p.appLabel}.${p.codename}`;
}
