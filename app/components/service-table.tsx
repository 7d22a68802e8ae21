/** Table styling shared by the services pages (member and admin). */
export const tableClass = "min-w-full text-left text-sm";
export const theadClass = "border-b border-slate-300 text-xs uppercase text-slate-500 dark:text-slate-400 dark:border-slate-600";
export const rowClass = "border-b border-slate-200 align-top dark:border-slate-700";
