/** `npx tsx bench/discord-only.ts`: the Discord reconcile figures alone (same lines as `npm run bench`). */
import { discordReconcile } from "./benchmarks/discord";
import { formatFigure } from "./report";

async function main() {
  const figures = await discordReconcile.run({ progress: (m: string) => process.stderr.write(`${m}\n`) } as never);
  for (const figure of figures) console.log(formatFigure(figure));
  process.exit(0);
}
void main();
