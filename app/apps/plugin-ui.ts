/** The components an app's pages use (docs/extending.md); browser-safe. */
export { CsrfInput, FieldError, PostForm, TextField } from "~/components/forms";
export { Table } from "~/components/table";
export { LevelBadge } from "~/components/level-badge";
export { CharacterSummary, EveImage } from "~/components/eve";
export * from "~/modules/eve/evelinks";
export { pageTitle } from "~/i18n/meta";
