/** Reading the state editor's form (app/routes/_app.states.$id.tsx): fields, pickers, field errors. */
import type { StateDefinition } from "../modules/states/states.server";
import {
  type PickerLabels,
  type PickerName,
  STATE_PICKERS,
} from "../modules/states/pickers";
import { pickedLabels, readPicked } from "./lookup.server";
import { badInput, readText } from "./input.server";
import { formIds, parseSignedInt } from "./params.server";

export interface StateForm {
  definition: StateDefinition;
  errors: Record<string, string>;
  /** What failed picker fields list (names or ids that were not found). */
  errorParams: Record<string, Record<string, string>>;
  /** Exactly what was typed where the form has free text, for the re-render. */
  raw: { priority: string; typed: Record<string, string> };
}

/** Reads the form; permissions are kept as they were unless the editor may change them. */
export async function readStateForm(
  form: FormData,
  current: StateDefinition | null,
  canChangePermissions: boolean
): Promise<StateForm> {
  const errors: Record<string, string> = {};
  const errorParams: Record<string, Record<string, string>> = {};
  const name = form.has("name") ? readText(form, "name", { max: 1000 }) : (current?.name ?? "");
  const priorityText = readText(form, "priority", { max: 40 });
  // A checkbox is on or absent; anything given twice is a crafted request.
  if (form.getAll("public").length > 1) badInput("public");
  const priority = parseSignedInt(priorityText, 1_000_000);
  if (!name) errors.name = "states.errors.nameRequired";
  else if (name.length > 32) errors.name = "states.errors.nameTooLong";
  if (priority === null) errors.priority = "states.errors.priority";
  const picked = {} as Record<PickerName, number[]>;
  const typed: Record<string, string> = {};
  for (const picker of STATE_PICKERS) {
    const field = await readPicked(form, picker.name, picker.kind);
    picked[picker.name] = field.ids;
    typed[picker.name] = field.typed;
    if (field.error) {
      errors[picker.name] = field.error;
      errorParams[picker.name] = { names: field.unresolved.join(", ") };
    }
  }
  return {
    definition: {
      name,
      priority: priority ?? 0,
      public: form.get("public") === "on",
      permissionIds: canChangePermissions
        ? formIds(form, "permissionIds")
        : current?.permissionIds ?? [],
      ...picked,
    },
    errors,
    errorParams,
    raw: { priority: priorityText, typed },
  };
}

/** The pickers' chosen items with their names. */
export async function stateLabels(
  definition: StateDefinition
): Promise<PickerLabels> {
  const out = {} as PickerLabels;
  for (const picker of STATE_PICKERS)
    out[picker.name] = await pickedLabels(picker.kind, definition[picker.name]);
  return out;
}
