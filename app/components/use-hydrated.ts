import { useEffect, useState } from "react";

/** False on the server and in the first browser render, true once React runs: for controls only JavaScript needs (or only its absence). */
export function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
