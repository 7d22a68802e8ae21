/** A background job's progress, for pages that follow one (admin bulk actions, imports): with JavaScript they revalidate every second; without, a meta refresh reloads them. */
import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

export const isRunning = (status: string) => status === "queued" || status === "running";

/** Meta entries that reload the page every 2 s while the job runs (no JavaScript needed). */
export function refreshWhileRunning(status: string | undefined) {
  return status && isRunning(status) ? [{ httpEquiv: "refresh", content: "2" } as const] : [];
}

/** Revalidates the loader every second while `running`. */
export function useRevalidateWhile(running: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [running, revalidator]);
}

export function percentOf(done: number, total: number) {
  return total ? Math.round((done / total) * 100) : 100;
}
