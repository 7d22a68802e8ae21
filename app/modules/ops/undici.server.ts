/**
 * The one import of undici. Importing undici 7 makes its Agent the global dispatcher that Node's own
 * fetch (an older bundled undici) also uses, and the two disagree on request internals — Node's fetch
 * then fails with "invalid content-length header" (seen with the OAuth token exchange). Installing
 * undici's fetch and web classes as the globals keeps fetch and dispatcher from the same version.
 */
import { install, request } from "undici";

install();

export { request };
