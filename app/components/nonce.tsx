import { createContext, useContext } from "react";

/** The Content-Security-Policy nonce of this response (server render only; empty in the browser). */
export const NonceContext = createContext<string>("");
export const useNonce = () => useContext(NonceContext);
