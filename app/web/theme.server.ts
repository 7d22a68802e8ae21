import { createCookie } from "@remix-run/node";

/** The theme choice of a visitor who is not logged in (logged-in users keep it on their account). */
export const themeCookie = createCookie("aa_theme", { path: "/", sameSite: "lax", httpOnly: true, maxAge: 31_536_000 });
