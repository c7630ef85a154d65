// Where the e2e tests and the Chromium benchmarks find a browser. Playwright's own browser
// download is not used: a system Chromium (Debian's `chromium` package) or CHROMIUM_PATH is.
import { existsSync, accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";

export const NO_CHROMIUM_MESSAGE =
  "No Chromium found. Install one with `sudo apt-get install -y chromium` (Debian/Ubuntu) or set CHROMIUM_PATH=/path/to/chrome.";

/**
 * Flags for a quiet, reproducible headless run: no sandbox (CI runs as root), no GPU, and
 * nothing that talks to the network on its own (updates, sync, field trials over QUIC).
 */
export const CHROMIUM_ARGS = Object.freeze([
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]);

const CANDIDATE_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
const CANDIDATE_PATHS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/snap/bin/chromium",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium executable to use, or null. CHROMIUM_PATH wins when it is set; a set but
 * unusable CHROMIUM_PATH is null rather than a silent fallback, so a typo is noticed.
 */
export function findChromium(env = process.env) {
  const configured = env.CHROMIUM_PATH;
  if (configured) return isExecutable(configured) ? configured : null;
  for (const path of CANDIDATE_PATHS) if (isExecutable(path)) return path;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    for (const name of CANDIDATE_NAMES) {
      const path = join(dir, name);
      if (isExecutable(path)) return path;
    }
  }
  return null;
}

/** Why no browser was found, in words a person can act on. */
export function explainMissingChromium(env = process.env) {
  const configured = env.CHROMIUM_PATH;
  if (configured && !existsSync(configured)) return `CHROMIUM_PATH=${configured} does not exist. ${NO_CHROMIUM_MESSAGE}`;
  if (configured) return `CHROMIUM_PATH=${configured} is not executable. ${NO_CHROMIUM_MESSAGE}`;
  return NO_CHROMIUM_MESSAGE;
}

/** The executable path, or an Error carrying the plain message. */
export function requireChromium(env = process.env) {
  const path = findChromium(env);
  if (!path) throw new Error(explainMissingChromium(env));
  return path;
}

/**
 * Launches headless Chromium through playwright-core with a fresh temporary profile, so
 * no OPFS contents, cache or storage quota carry over between runs. `close()` shuts the
 * browser and deletes the profile.
 */
export async function launchChromium(options = {}) {
  const { chromium } = await import("playwright-core");
  const executablePath = requireChromium(options.env);
  const profile = mkdtempSync(join(tmpdir(), "streamlab-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: options.headless ?? true,
      args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
      viewport: options.viewport ?? { width: 1280, height: 800 },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    profile,
    async newPage() {
      return context.newPage();
    },
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

// `node scripts/find-chromium.mjs` prints the path, or the plain message and exits 1.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const path = findChromium();
  if (path) {
    console.log(path);
  } else {
    console.error(explainMissingChromium());
    process.exit(1);
  }
}
