// `npm run bench [-- --quick] [-- --only <substring>]`: runs every benchmark and prints
// one Markdown table per module on stdout (progress goes to stderr).
//
//   bench/node/*.bench.ts     each in its own Node process (node --import tsx bench/node-child.ts)
//   bench/browser/*.bench.ts  each bundled by esbuild with bench/browser/worker-host.ts into
//                             one module worker script, served with bench/browser/page.html
//                             from a temp dir on 127.0.0.1 (bench/serve-bench.mjs) and run in a dedicated worker of
//                             headless Chromium (fresh profile, scripts/find-chromium.mjs)
//
// --only matches against "node/<file stem>" and "browser/<file stem>" (case-insensitive;
// may be given more than once), so `--only browser` or `--only codec` both work.
// --quick uses smaller sizes. The exit code is 1 when any benchmark failed.
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { arch, cpus, loadavg, platform, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";
import { explainMissingChromium, findChromium, launchChromium } from "../scripts/find-chromium.mjs";
import { serveBench } from "./serve-bench.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const benchDir = join(root, "bench");

// The table printer is TypeScript, shared with the benchmark modules.
register();
const { formatTable } = await import("./harness.ts");

const USAGE = `usage: npm run bench -- [--quick] [--only <substring>]...
  --quick             smaller sizes (about a tenth)
  --only <substring>  run only benchmarks whose id contains it; ids are node/<stem> and browser/<stem>`;

function parseArgs(argv) {
  const options = { quick: false, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") options.quick = true;
    else if (arg === "--only") {
      const value = argv[++i];
      if (value === undefined) throw new Error("--only needs a value");
      options.only.push(value.toLowerCase());
    } else if (arg.startsWith("--only=")) options.only.push(arg.slice("--only=".length).toLowerCase());
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return options;
}

/** The benchmark modules of one kind ("node" or "browser"), in name order. */
function discover(kind) {
  return readdirSync(join(benchDir, kind))
    .filter((file) => file.endsWith(".bench.ts"))
    .sort()
    .map((file) => {
      const stem = file.slice(0, -".bench.ts".length);
      return { id: `${kind}/${stem}`, stem, path: join(benchDir, kind, file) };
    });
}

let failures = 0;

function printTable(title, rows) {
  console.log(`${formatTable(title, rows)}\n`);
}

function printFailure(id, message) {
  failures++;
  console.log(`### ${id}: FAILED\n\n\`\`\`\n${message}\n\`\`\`\n`);
}

function progress(id, text) {
  process.stderr.write(`  [${id}] ${text}\n`);
}

/** Runs one Node benchmark in a child process; resolves to its reply. */
function runNodeBenchmark(entry, quick) {
  return new Promise((resolve) => {
    let reply;
    const child = spawn(process.execPath, ["--import", "tsx", join(benchDir, "node-child.ts"), entry.path, JSON.stringify({ quick, id: entry.id })], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.on("message", (message) => (reply = message));
    child.on("error", (error) => resolve({ kind: "error", message: `could not start node: ${error.message}` }));
    child.on("exit", (code, signal) => {
      if (reply) resolve(reply);
      else resolve({ kind: "error", message: `the benchmark process ended without a result (${signal ?? `exit code ${code}`})` });
    });
  });
}

async function bundleBrowserBenchmarks(entries, outDir) {
  const { build } = await import("esbuild");
  copyFileSync(join(benchDir, "browser", "page.html"), join(outDir, "index.html"));
  for (const entry of entries) {
    await build({
      stdin: {
        contents: `import { serveBenchmark } from "./worker-host";\nimport * as bench from "./${entry.stem}.bench";\nserveBenchmark(bench.default, bench.roles);\n`,
        resolveDir: join(benchDir, "browser"),
        sourcefile: `${entry.stem}.entry.ts`,
        loader: "ts",
      },
      bundle: true,
      format: "esm",
      target: "es2022",
      platform: "browser",
      outfile: join(outDir, `${entry.stem}.js`),
      logLevel: "warning",
      // `roles` is optional: most modules export only the benchmark.
      logOverride: { "import-is-undefined": "silent" },
    });
  }
}

/**
 * The full version (the user agent string is reduced to "150.0.0.0"), the cores the page
 * sees, and the step of performance.now() on the bench page, which bounds the latency rows.
 */
async function describeChromium(browser, url) {
  const page = await browser.newPage();
  try {
    const session = await browser.context.newCDPSession(page);
    const { product } = await session.send("Browser.getVersion");
    await page.goto(url);
    const seen = await page.evaluate(() => {
      let step = Infinity;
      for (let i = 0; i < 50; i++) {
        const a = performance.now();
        let b = performance.now();
        while (b === a) b = performance.now();
        step = Math.min(step, b - a);
      }
      return { cores: navigator.hardwareConcurrency, isolated: crossOriginIsolated, timerStepMs: step };
    });
    return { version: product.replace(/^[A-Za-z]+\//, ""), ...seen };
  } finally {
    await page.close();
  }
}

async function runBrowserBenchmark(browser, url, entry, quick) {
  const page = await browser.newPage();
  try {
    page.on("pageerror", (error) => progress(entry.id, `page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") progress(entry.id, `console ${message.type()}: ${message.text()}`);
    });
    await page.exposeFunction("benchProgress", (text) => progress(entry.id, text));
    await page.goto(url);
    return await page.evaluate(([script, options]) => window.runBench(script, options), [`./${entry.stem}.js`, { quick }]);
  } finally {
    await page.close();
  }
}

function machineLine(chromium, quick) {
  const cpuList = cpus();
  const model = cpuList[0]?.model?.trim();
  const parts = [`node ${process.version}`];
  if (chromium) {
    const step = chromium.timerStepMs < 0.001 ? "< 1 µs" : `${Number((chromium.timerStepMs * 1000).toPrecision(2))} µs`;
    parts.push(`Chromium ${chromium.version} (headless, ${chromium.cores} cores seen, timer step ${step}${chromium.isolated ? ", cross-origin isolated" : ""})`);
  }
  // Other work on the machine moves every figure; the load says how much to trust them.
  const load = platform() === "win32" ? [] : [`load ${loadavg()[0].toFixed(2)}`];
  parts.push(`${cpuList.length} CPUs${model ? ` (${model})` : ""}`, ...load, `${platform()} ${arch()}`, quick ? "quick sizes" : "full sizes");
  return `machine: ${parts.join(" · ")}`;
}

const options = parseArgs(process.argv.slice(2));
const wanted = (entry) => options.only.length === 0 || options.only.some((s) => entry.id.toLowerCase().includes(s));
const nodeEntries = discover("node").filter(wanted);
const browserEntries = discover("browser").filter(wanted);
if (nodeEntries.length + browserEntries.length === 0) {
  console.error(`no benchmark matches ${options.only.map((s) => `"${s}"`).join(" or ")}`);
  console.error(`available: ${[...discover("node"), ...discover("browser")].map((e) => e.id).join(", ")}`);
  process.exit(1);
}

// Chromium comes up first, so its version heads the output with the rest of the machine.
let browser;
let chromiumInfo;
let site;
let browserProblem;
const scratch = mkdtempSync(join(tmpdir(), "streamlab-bench-"));
if (browserEntries.length > 0) {
  if (!findChromium()) browserProblem = explainMissingChromium();
  else {
    try {
      await bundleBrowserBenchmarks(browserEntries, scratch);
      site = await serveBench(scratch);
      browser = await launchChromium();
      chromiumInfo = await describeChromium(browser, site.url);
    } catch (error) {
      browserProblem = `could not set up Chromium: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}

try {
  console.log(`${machineLine(chromiumInfo, options.quick)}\n`);

  for (const entry of nodeEntries) {
    progress(entry.id, "starting");
    const reply = await runNodeBenchmark(entry, options.quick);
    if (reply.kind === "rows") printTable(`${reply.name} (node)`, reply.rows);
    else printFailure(entry.id, reply.message);
  }

  if (browserEntries.length > 0 && browserProblem) {
    for (const entry of browserEntries) printFailure(entry.id, browserProblem);
  } else if (browserEntries.length > 0) {
    for (const entry of browserEntries) {
      progress(entry.id, "starting");
      try {
        const reply = await runBrowserBenchmark(browser, site.url, entry, options.quick);
        printTable(`${reply.name} (chromium worker)`, reply.rows);
      } catch (error) {
        printFailure(entry.id, error instanceof Error ? error.message : String(error));
      }
    }
  }
} finally {
  site?.server.close();
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
}

process.exitCode = failures > 0 ? 1 : 0;
