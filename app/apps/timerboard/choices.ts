/** The timerboard's fixed choices (the original's lists), shared by the form and the server. */
export const TIMER_TYPES = ["UNSPECIFIED", "SHIELD", "ARMOR", "HULL", "FINAL", "ANCHORING", "UNANCHORING"] as const;
export type TimerType = (typeof TIMER_TYPES)[number];

/** Structure types; names of EVE items stay untranslated, "Other" is translated where shown. */
export const STRUCTURES = [
  "POCO",
  "I-HUB",
  "TCU",
  "POS[S]",
  "POS[M]",
  "POS[L]",
  "Astrahus",
  "Fortizar",
  "Keepstar",
  "Raitaru",
  "Azbel",
  "Sotiyo",
  "Athanor",
  "Tatara",
  "Pharolux Cyno Beacon",
  "Tenebrex Cyno Jammer",
  "Ansiblex Jump Gate",
  "Moon Mining Cycle",
  "Other",
] as const;

export const OBJECTIVES = ["Friendly", "Hostile", "Neutral"] as const;
export type Objective = (typeof OBJECTIVES)[number];

export const TIMER_VIEW = "auth.timer_view" as const;
export const TIMER_MANAGE = "auth.timer_management" as const;
