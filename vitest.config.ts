import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["workers/**/*.test.ts", "src/**/*.test.ts", "src/**/*.test.tsx", "bin/**/*.test.ts", "scripts/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
  },
});
