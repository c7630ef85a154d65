// `npm test`: every check the project has, in order, each step's output shown live, and
// one closing line `N passed, M failed` (exit 1 when M > 0).
//
// How steps count:
//   typecheck (tsc --noEmit) ........ 1 test
//   lint (eslint --max-warnings=0) .. 1 test
//   unit (vitest run) ............... Vitest's own count; a file that fails to load counts 1 failed
//   interop (scripts/interop/run.mjs, when it exists): the counts it writes as
//       {"passed": n, "failed": m} to $STREAMLAB_STEP_RESULT (decode_segments.py writes one
//       per partition checked); with no such file, 1 test judged by the exit code
//   e2e (vite build + playwright test, when e2e/**/*.spec.ts exist): Playwright's count;
//       a failed build or a missing Chromium counts 1 failed. STREAMLAB_SKIP_E2E=1 skips it.
// A step that exits non-zero without reporting any failure counts one more failure, so a
// crash can never pass as green.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { explainMissingChromium, findChromium } from "./find-chromium.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => join(root, "node_modules", ".bin", name);
const scratch = mkdtempSync(join(tmpdir(), "streamlab-test-"));

/** Runs a command with the terminal attached; resolves to its exit code (signals count as failure). */
function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
    child.on("error", (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve(127);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

function banner(title) {
  console.log(`\n=== ${title} ${"=".repeat(Math.max(3, 70 - title.length))}`);
}

const results = [];

function record(step, passed, failed, note = "") {
  results.push({ step, passed, failed, note });
}

/** A step that is one test: its exit code is the verdict. */
async function single(step, command, args) {
  banner(step);
  const code = await run(command, args);
  record(step, code === 0 ? 1 : 0, code === 0 ? 0 : 1, code === 0 ? "" : `exit code ${code}`);
}

async function unit() {
  const step = "unit (vitest)";
  banner(step);
  const out = join(scratch, "vitest.json");
  const code = await run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`]);
  const report = readJson(out);
  if (!report) {
    record(step, 0, 1, `no report (exit code ${code})`);
    return;
  }
  let passed = report.numPassedTests ?? 0;
  let failed = report.numFailedTests ?? 0;
  const notes = [];
  // A file that fails to import or whose hooks throw reports no failed test of its own.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === "failed" && !(file.assertionResults ?? []).some((a) => a.status === "failed"),
  );
  if (brokenFiles.length > 0) {
    failed += brokenFiles.length;
    notes.push(`${brokenFiles.length} file(s) failed outside any test: ${brokenFiles.map((f) => relative(root, f.name)).join(", ")}`);
  }
  if (code !== 0 && failed === 0) {
    failed = 1;
    notes.push(`exit code ${code}`);
  }
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (skipped > 0) notes.push(`${skipped} skipped`);
  record(step, passed, failed, notes.join("; "));
}

async function interop() {
  const script = join(root, "scripts", "interop", "run.mjs");
  if (!existsSync(script)) return;
  const step = "interop (kafka-python)";
  banner(step);
  const out = join(scratch, "interop.json");
  const code = await run(process.execPath, [script], { STREAMLAB_STEP_RESULT: out });
  const report = readJson(out);
  if (report && Number.isInteger(report.passed) && Number.isInteger(report.failed)) {
    const failed = code !== 0 && report.failed === 0 ? 1 : report.failed;
    record(step, report.passed, failed, code !== 0 ? `exit code ${code}` : "");
  } else {
    record(step, code === 0 ? 1 : 0, code === 0 ? 0 : 1, code === 0 ? "" : `exit code ${code}`);
  }
}

function findSpecs(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".spec.ts"))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !relative(join(root, "e2e"), path).startsWith("screenshots"));
}

async function e2e() {
  if (findSpecs(join(root, "e2e")).length === 0) return;
  const step = "e2e (playwright)";
  banner(step);
  if (process.env.STREAMLAB_SKIP_E2E === "1") {
    console.log("skipped: STREAMLAB_SKIP_E2E=1");
    record(step, 0, 0, "skipped by STREAMLAB_SKIP_E2E=1");
    return;
  }
  if (!findChromium()) {
    console.error(explainMissingChromium());
    record(step, 0, 1, "no Chromium");
    return;
  }
  const built = await run(bin("vite"), ["build"]);
  if (built !== 0) {
    record(step, 0, 1, `vite build failed with exit code ${built}`);
    return;
  }
  const out = join(scratch, "playwright.json");
  const code = await run(bin("playwright"), ["test"], { STREAMLAB_E2E_JSON: out });
  const stats = readJson(out)?.stats;
  if (!stats) {
    record(step, 0, 1, `no report (exit code ${code})`);
    return;
  }
  const passed = (stats.expected ?? 0) + (stats.flaky ?? 0);
  let failed = stats.unexpected ?? 0;
  const notes = [];
  if (code !== 0 && failed === 0) {
    failed = 1;
    notes.push(`exit code ${code}`);
  }
  if (stats.flaky) notes.push(`${stats.flaky} flaky`);
  if (stats.skipped) notes.push(`${stats.skipped} skipped`);
  record(step, passed, failed, notes.join("; "));
}

try {
  await single("typecheck (tsc)", bin("tsc"), ["-p", "tsconfig.json", "--noEmit"]);
  await single("lint (eslint)", bin("eslint"), ["--max-warnings=0", "."]);
  await unit();
  await interop();
  await e2e();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

banner("summary");
for (const { step, passed, failed, note } of results) {
  const verdict = failed > 0 ? "FAIL" : "ok  ";
  console.log(`${verdict} ${step.padEnd(26)} ${String(passed).padStart(5)} ok ${String(failed).padStart(4)} failing${note ? `  (${note})` : ""}`);
}
const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
