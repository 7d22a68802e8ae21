// Same process set-up as server.ts and the CLI: one undici for fetch and its dispatcher.
import "~/modules/ops/undici.server";
