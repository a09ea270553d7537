import { defineConfig } from "vitest/config";

/**
 * `npm run test:reliability`: the whole reliability suite (fast and full parts) with its figures
 * printed at the end (test/reliability/support/report.ts). The fast part also runs in `npm test`.
 */
export default defineConfig({
  test: {
    include: ["test/reliability/**/*.test.ts"],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: "forks",
    setupFiles: ["test/support/quiet-sdk-notice.ts"],
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    globalSetup: ["test/reliability/support/report.ts"],
  },
});
