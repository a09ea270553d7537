// Preloaded into the measured CLI (node --import): writes the process's own resource usage at exit,
// so the bench gets peak memory and CPU time without /usr/bin/time.
import { writeFileSync } from "node:fs";

const file = process.env.EBG_BENCH_USAGE_FILE;
if (file) {
  process.on("exit", () => {
    try {
      writeFileSync(file, JSON.stringify(process.resourceUsage()));
    } catch {
      // The bench reports n/a rather than failing the measured command.
    }
  });
}
