/** The state editor's pickers (client-safe: the form renders them, the server reads them). */
import type { StateDefinition } from "./states.server";

export const STATE_PICKERS = [
  {
    name: "corporationIds",
    kind: "corporation",
    label: "states.field.corporations",
  },
  { name: "allianceIds", kind: "alliance", label: "states.field.alliances" },
  { name: "factionIds", kind: "faction", label: "states.field.factions" },
  { name: "characterIds", kind: "character", label: "states.field.characters" },
] as const satisfies readonly {
  name: keyof StateDefinition;
  kind: "character" | "corporation" | "alliance" | "faction";
  label: string;
}[];

export type PickerName = (typeof STATE_PICKERS)[number]["name"];
export type PickerLabels = Record<
  PickerName,
  { value: string; label: string }[]
>;
