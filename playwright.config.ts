import { execFileSync } from "node:child_process";
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, requireChromium } from "./scripts/find-chromium.mjs";

// The e2e tests drive a system Chromium (Debian's `chromium` or CHROMIUM_PATH); Playwright's
// own browser download is never used.
const executablePath = requireChromium();

// STREAMLAB_E2E_URL points the tests at a site already running somewhere. Otherwise dist/
// is served on a free port, picked once here; worker processes inherit it through the
// environment because the config is evaluated again in each of them.
const externalUrl = process.env.STREAMLAB_E2E_URL;
if (!externalUrl && !process.env.STREAMLAB_E2E_PORT) {
  const probe =
    "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close();});";
  process.env.STREAMLAB_E2E_PORT = execFileSync(process.execPath, ["-e", probe], { encoding: "utf8" }).trim();
}
const port = Number(process.env.STREAMLAB_E2E_PORT);
const baseURL = externalUrl ?? `http://127.0.0.1:${port}/`;

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  // 2 cores: one browser at a time keeps timings honest and the machine responsive.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: "e2e/screenshots",
  reporter: [["list"], ["json", { outputFile: process.env.STREAMLAB_E2E_JSON ?? "test-results/e2e.json" }]],
  use: {
    baseURL,
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath, args: [...CHROMIUM_ARGS] },
    viewport: { width: 1280, height: 800 },
    screenshot: "only-on-failure",
    trace: "off",
  },
  webServer: externalUrl
    ? undefined
    : {
        command: `node scripts/serve-dist.mjs --dir dist --host 127.0.0.1 --port ${port}`,
        url: baseURL,
        reuseExistingServer: false,
        timeout: 30_000,
        stdout: "ignore",
        stderr: "pipe",
      },
});
