import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  CHROMIUM_ARGS,
  NO_CHROMIUM_MESSAGE,
  explainMissingChromium,
  findChromium,
  launchChromium,
  requireChromium,
} from "./find-chromium.mjs";

const dir = mkdtempSync(join(tmpdir(), "streamlab-chromium-find-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("find-chromium", () => {
  it("uses CHROMIUM_PATH when it names an executable", () => {
    const fake = join(dir, "my-chrome");
    writeFileSync(fake, "#!/bin/sh\n");
    chmodSync(fake, 0o755);
    expect(findChromium({ CHROMIUM_PATH: fake })).toBe(fake);
  });

  it("does not fall back silently when CHROMIUM_PATH is wrong", () => {
    const missing = join(dir, "no-such-chrome");
    expect(findChromium({ CHROMIUM_PATH: missing })).toBeNull();
    expect(explainMissingChromium({ CHROMIUM_PATH: missing })).toBe(`CHROMIUM_PATH=${missing} does not exist. ${NO_CHROMIUM_MESSAGE}`);
    expect(() => requireChromium({ CHROMIUM_PATH: missing })).toThrow(NO_CHROMIUM_MESSAGE);
    const notExecutable = join(dir, "plain-file");
    writeFileSync(notExecutable, "");
    chmodSync(notExecutable, 0o644);
    expect(findChromium({ CHROMIUM_PATH: notExecutable })).toBeNull();
    expect(explainMissingChromium({ CHROMIUM_PATH: notExecutable })).toContain("is not executable");
  });

  it("says plainly how to get a browser", () => {
    expect(NO_CHROMIUM_MESSAGE).toBe(
      "No Chromium found. Install one with `sudo apt-get install -y chromium` (Debian/Ubuntu) or set CHROMIUM_PATH=/path/to/chrome.",
    );
    expect(explainMissingChromium({})).toBe(NO_CHROMIUM_MESSAGE);
  });

  it("launches headless with no sandbox, no GPU and no background traffic", () => {
    expect([...CHROMIUM_ARGS]).toEqual([
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ]);
  });

  // Without a browser the e2e step of npm test already fails with the message above.
  it.skipIf(!findChromium())("launches the system browser on a fresh profile and removes it on close", async () => {
    const browser = await launchChromium();
    try {
      expect(existsSync(browser.profile)).toBe(true);
      const page = await browser.newPage();
      await page.setContent("<p id=x>from a fresh profile</p>");
      expect(await page.textContent("#x")).toBe("from a fresh profile");
    } finally {
      await browser.close();
    }
    expect(existsSync(browser.profile)).toBe(false);
  });
});
