/**
 * The one multi-value picker. With JavaScript: chips that a click adds and removes, and a search
 * box (filtering `choices`, or asking `/lookup/<lookup>` as you type). Without JavaScript: a
 * checkbox per choice (or per chosen item when the set is open-ended), plus, for a `lookup`
 * picker, a typed list `<name>__typed` (one name or id a line) that the server resolves
 * (app/web/lookup.server.ts `readPicked`). Either way the form submits the chosen ids under `name`.
 */
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useHydrated } from "./use-hydrated";

export interface PickerChoice {
  value: string;
  label: string;
  /** Shown, never offered: this user may neither add nor remove it (kept as it is when chosen). */
  locked?: boolean;
}

export interface MultiPickerProps {
  name: string;
  label: string;
  /** The chosen items (with their labels). */
  selected: PickerChoice[];
  /** Every choice, for small closed sets (groups, states, permissions). */
  choices?: PickerChoice[];
  /** Open-ended sets: the kind `/lookup/<kind>` searches (character, corporation, alliance, faction, user). */
  lookup?: string;
  /** The typed list as submitted, re-rendered after a failed submit (lookup pickers). */
  typed?: string;
  disabled?: boolean;
  /** An i18n key shown beside the field; `errorParams` fills it. */
  error?: string;
  errorParams?: Record<string, string>;
  testId?: string;
}

export function MultiPicker(props: MultiPickerProps) {
  const { t } = useTranslation();
  const hydrated = useHydrated();
  const id = `field-${props.name}`;
  const errorId = `${id}-error`;
  const testId = props.testId ?? id;
  return (
    <fieldset
      className="min-w-0"
      data-testid={testId}
      aria-describedby={props.error ? errorId : undefined}
    >
      <legend className="label">{props.label}</legend>
      {props.disabled ? (
        <ReadOnlyList selected={props.selected} />
      ) : hydrated ? (
        <Chips {...props} inputId={id} />
      ) : (
        <Fallback {...props} inputId={id} />
      )}
      {props.error ? (
        <p id={errorId} className="field-error" role="alert">
          {t(props.error, props.errorParams)}
        </p>
      ) : null}
    </fieldset>
  );
}

function ReadOnlyList({ selected }: { selected: PickerChoice[] }) {
  if (!selected.length) return <p className="text-sm text-slate-500 dark:text-slate-400">—</p>;
  return (
    <ul className="flex flex-wrap gap-1">
      {selected.map((s) => (
        <li
          key={s.value}
          className="rounded-full bg-slate-100 px-2 py-0.5 text-sm dark:bg-slate-700"
        >
          {s.label}
        </li>
      ))}
    </ul>
  );
}

/** Without JavaScript: checkboxes, and a typed list for open-ended sets. */
function Fallback(props: MultiPickerProps & { inputId: string }) {
  const { t } = useTranslation();
  const chosen = new Set(props.selected.map((s) => s.value));
  const boxes = props.choices
    ? [
        ...props.selected.filter(
          (s) => !props.choices!.some((c) => c.value === s.value)
        ),
        ...props.choices,
      ]
    : props.selected;
  return (
    <div className="space-y-2">
      {boxes.length ? (
        <div className="grid max-h-56 gap-1 overflow-y-auto rounded-md border border-slate-200 p-2 text-sm sm:grid-cols-2 dark:border-slate-700">
          {boxes.map((c) => (
            <label
              key={c.value}
              className={`flex items-center gap-2 ${
                c.locked ? "text-slate-500 dark:text-slate-400" : ""
              }`}
            >
              <input
                type="checkbox"
                name={c.locked ? undefined : props.name}
                value={c.value}
                defaultChecked={chosen.has(c.value)}
                disabled={c.locked}
              />
              {c.locked && chosen.has(c.value) ? (
                <input type="hidden" name={props.name} value={c.value} />
              ) : null}
              <span className="break-all">{c.label}</span>
              {c.locked ? (
                <span className="text-xs">({t("picker.locked")})</span>
              ) : null}
            </label>
          ))}
        </div>
      ) : null}
      {props.lookup ? (
        <div>
          <label
            htmlFor={props.inputId}
            className="text-xs text-slate-600 dark:text-slate-300"
          >
            {t("picker.typed")}
          </label>
          <textarea
            id={props.inputId}
            name={`${props.name}__typed`}
            defaultValue={props.typed ?? ""}
            rows={2}
            className="input"
            aria-invalid={props.error ? true : undefined}
          />
        </div>
      ) : null}
    </div>
  );
}

/** With JavaScript: chips and a search box with a list of matches. */
function Chips(props: MultiPickerProps & { inputId: string }) {
  const { t } = useTranslation();
  const listId = useId();
  const [selected, setSelected] = useState<PickerChoice[]>(props.selected);
  const [query, setQuery] = useState(props.typed ?? "");
  const [remote, setRemote] = useState<PickerChoice[]>([]);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const chosen = new Set(selected.map((s) => s.value));

  useEffect(() => {
    if (!props.lookup) return;
    const q = query.trim();
    if (!q) {
      setRemote([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      setBusy(true);
      try {
        const response = await fetch(
          `/lookup/${props.lookup}?q=${encodeURIComponent(q)}`,
          { signal: controller.signal, headers: { Accept: "application/json" } }
        );
        if (response.ok)
          setRemote(
            ((await response.json()) as { results: PickerChoice[] }).results
          );
      } catch {
        // Aborted or offline: keep the last list.
      } finally {
        if (!controller.signal.aborted) setBusy(false);
      }
    }, 250);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [query, props.lookup]);

  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    const pool = props.lookup
      ? remote
      : (props.choices ?? []).filter(
          (c) => !c.locked && (!q || c.label.toLowerCase().includes(q))
        );
    return pool.filter((c) => !chosen.has(c.value)).slice(0, 50);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query, remote, props.choices, props.lookup, selected]);

  const add = (c: PickerChoice) => {
    setSelected((s) => (s.some((x) => x.value === c.value) ? s : [...s, c]));
    setQuery("");
    setActive(0);
    input.current?.focus();
  };
  const remove = (value: string) =>
    setSelected((s) => s.filter((x) => x.value !== value || x.locked));

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown") {
      setOpen(true);
      setActive((a) => Math.min(a + 1, Math.max(matches.length - 1, 0)));
      event.preventDefault();
    } else if (event.key === "ArrowUp") {
      setActive((a) => Math.max(a - 1, 0));
      event.preventDefault();
    } else if (event.key === "Enter") {
      // Never submit the form from the search box.
      event.preventDefault();
      if (matches[active]) add(matches[active]);
    } else if (event.key === "Escape") {
      setOpen(false);
    } else if (event.key === "Backspace" && !query && selected.length) {
      remove(selected[selected.length - 1].value);
    }
  };

  const showList =
    open && (matches.length > 0 || (query.trim() !== "" && !busy));
  return (
    <div className="space-y-2">
      {selected.length ? (
        <ul className="flex flex-wrap gap-1" aria-label={t("picker.chosen")}>
          {selected.map((s) => (
            <li
              key={s.value}
              className="inline-flex items-center gap-1 rounded-full bg-sky-100 py-0.5 pl-2 pr-1 text-sm text-sky-900 dark:bg-sky-900 dark:text-sky-100"
              data-testid="picker-chip"
            >
              <input type="hidden" name={props.name} value={s.value} />
              <span className="break-all">{s.label}</span>
              {s.locked ? (
                <span className="px-1 text-xs opacity-75">
                  ({t("picker.locked")})
                </span>
              ) : (
                <button
                  type="button"
                  onClick={() => remove(s.value)}
                  className="rounded-full px-1 leading-none hover:bg-sky-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:hover:bg-sky-800"
                  aria-label={t("picker.remove", { label: s.label })}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-500 dark:text-slate-400">{t("picker.none")}</p>
      )}
      <div className="relative">
        <input
          ref={input}
          id={props.inputId}
          type="text"
          role="combobox"
          aria-expanded={showList}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-label={t("picker.search", { label: props.label })}
          aria-activedescendant={
            showList && matches[active] ? `${listId}-${active}` : undefined
          }
          aria-invalid={props.error ? true : undefined}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setOpen(true);
            setActive(0);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={onKeyDown}
          placeholder={
            props.lookup ? t("picker.searchByNameOrId") : t("picker.filter")
          }
          className="input"
          autoComplete="off"
          data-testid={`${props.testId ?? `field-${props.name}`}-search`}
        />
        {showList ? (
          <ul
            id={listId}
            role="listbox"
            className="absolute z-20 mt-1 max-h-60 w-full overflow-y-auto rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg dark:border-slate-600 dark:bg-slate-900"
          >
            {matches.length ? (
              matches.map((c, i) => (
                <li
                  key={c.value}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === active}
                  className={`cursor-pointer px-3 py-1.5 ${
                    i === active ? "bg-sky-100 dark:bg-sky-900" : ""
                  }`}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    add(c);
                  }}
                >
                  {c.label}
                </li>
              ))
            ) : (
              <li className="px-3 py-1.5 text-slate-500 dark:text-slate-400">
                {t("picker.noMatches")}
              </li>
            )}
          </ul>
        ) : null}
        {busy ? <span className="sr-only">{t("picker.searching")}</span> : null}
      </div>
    </div>
  );
}
