import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { expect, test } from "@playwright/test";
import type { Page } from "@playwright/test";
import { collectCases } from "./support/case-collector";
import type { CaseResult } from "./support/case-collector";
import { defineOpfsStorageSuite } from "./support/opfs-storage-suite";
import type { SuiteReport } from "./support/opfs-storage-suite.worker";

// OPFS sync access handles exist only in dedicated workers, so the storage suites run in
// one. Its script is bundled here by esbuild and started from a blob: URL in a page of the
// built site, rather than added to the Vite build as an extra input: test code then never
// ships in dist/, the worker still runs in the site's origin (a blob: URL inherits its
// creator's), and it works the same against STREAMLAB_E2E_URL.
const root = fileURLToPath(new URL("..", import.meta.url));

async function bundle(entry: { path: string } | { contents: string }, format: "esm" | "iife"): Promise<string> {
  const source =
    "path" in entry
      ? { entryPoints: [entry.path] }
      : { stdin: { contents: entry.contents, resolveDir: root, sourcefile: "e2e-entry.ts", loader: "ts" as const } };
  const result = await build({ ...source, absWorkingDir: root, bundle: true, write: false, format, target: "es2022", platform: "browser", logLevel: "error" });
  const [file] = result.outputFiles;
  if (!file) throw new Error("esbuild produced no output");
  return file.text;
}

/** Runs a module worker from `code` in `page` and resolves with its first message. */
function runWorker<T>(page: Page, code: string): Promise<T> {
  return page.evaluate(
    (script) =>
      new Promise<T>((resolve, reject) => {
        const url = URL.createObjectURL(new Blob([script], { type: "text/javascript" }));
        const worker = new Worker(url, { type: "module" });
        worker.onmessage = (event) => {
          worker.terminate();
          URL.revokeObjectURL(url);
          resolve(event.data as T);
        };
        worker.onerror = (event) => {
          event.preventDefault();
          worker.terminate();
          reject(new Error(`the suite worker failed: ${event.message || "it did not load"}`));
        };
      }),
    code,
  );
}

test("OpfsStorage passes the storage conformance suite and the OPFS checks in a dedicated worker", async ({ page }) => {
  test.setTimeout(120_000);
  const code = await bundle({ path: "e2e/support/opfs-storage-suite.worker.ts" }, "esm");
  await page.goto("./");
  const report = await runWorker<SuiteReport | { error: string }>(page, code);
  if ("error" in report) throw new Error(`the suite worker crashed: ${report.error}`);

  // Every case the suites define ran, in order: nothing skipped or lost on the way.
  const expected = collectCases(defineOpfsStorageSuite).map((c) => c.name);
  expect(expected.length).toBeGreaterThan(20);
  expect(expected).toContain("OpfsStorage against another holder of the same files > fails with STORAGE_LOCKED naming the file once the retries run out");
  expect(report.results.map((r: CaseResult) => r.name)).toEqual(expected);

  const failed = report.results.filter((r) => !r.passed).map((r) => `${r.name}\n    ${r.error ?? ""}`);
  expect(failed, `${failed.length} of ${report.results.length} cases failed in Chromium`).toEqual([]);

  // The harness in the worker can report a failure, so the green above means something.
  expect(report.canary.passed).toBe(false);
  expect(report.canary.error).toContain("expected [1,2] to equal [1,3]");
});

// The lock under its own name: the check is about Web Locks between pages, and the app
// may well hold the broker's lock itself once it starts a broker.
const LOCK_NAME = "streamlab-e2e-origin-lock";

interface LockPage {
  streamlabLock: {
    acquireOriginLock(name?: string): Promise<{ release(): void } | { heldBy: "another-tab" }>;
    waitForOriginLock(name?: string): Promise<{ release(): void }>;
  };
  heldLock?: { release(): void };
  waiting?: Promise<string>;
}

async function lockPage(page: Page, code: string): Promise<void> {
  await page.goto("./");
  await page.addScriptTag({ content: code });
}

/** Tries the lock in `page`; "acquired" (and kept) or what acquireOriginLock answered. */
function tryLock(page: Page): Promise<unknown> {
  return page.evaluate(async (name) => {
    const w = window as unknown as LockPage;
    const got = await w.streamlabLock.acquireOriginLock(name);
    if ("release" in got) {
      w.heldLock = got;
      return "acquired";
    }
    return got;
  }, LOCK_NAME);
}

test("one broker owner per origin: a second page is told another tab holds the lock, and takes over when it goes", async ({ context }) => {
  const code = await bundle(
    {
      contents: `import { acquireOriginLock, waitForOriginLock } from "./workers/runtime/origin-lock";\nglobalThis.streamlabLock = { acquireOriginLock, waitForOriginLock };\n`,
    },
    "iife",
  );
  const first = await context.newPage();
  const second = await context.newPage();
  await lockPage(first, code);
  await lockPage(second, code);

  expect(await tryLock(first)).toBe("acquired");
  expect(await tryLock(second)).toEqual({ heldBy: "another-tab" });
  // Being refused did not take the lock from the owner.
  expect(await tryLock(second)).toEqual({ heldBy: "another-tab" });

  await second.evaluate((name) => {
    const w = window as unknown as LockPage;
    w.waiting = w.streamlabLock.waitForOriginLock(name).then((lock) => {
      w.heldLock = lock;
      return "acquired";
    });
  }, LOCK_NAME);
  // The owner going away (a closed tab, as after a crash) is what lets the waiter in.
  await first.close();
  expect(await second.evaluate(() => (window as unknown as LockPage).waiting)).toBe("acquired");

  const third = await context.newPage();
  await lockPage(third, code);
  expect(await tryLock(third)).toEqual({ heldBy: "another-tab" });
  await second.evaluate(() => (window as unknown as LockPage).heldLock?.release());
  // The release travels through the browser process before the lock is free again.
  await expect.poll(() => tryLock(third)).toBe("acquired");
});
