/**
 * The workbench under load, in headless Chromium driven by Playwright: the built site is
 * served from a temp dir, a generator produces 20,000 records/s into 12 partitions, three
 * consumer groups read them and a windowed count runs; each live view is shown in turn
 * and its frame times measured (requestAnimationFrame). Also the cold load (initial
 * JavaScript, gzipped, and time until the workbench answers) and the page's heap before
 * and after a stretch of generation.
 *
 * It runs as a Node benchmark because it drives a browser rather than running in one.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { launchChromium } from "../../scripts/find-chromium.mjs";
import { serveDirectory } from "../../scripts/serve-dist.mjs";
import type { Benchmark, BenchOptions, Row } from "../harness";
import { median, quantile } from "../harness";

const root = fileURLToPath(new URL("../..", import.meta.url));
const FRAME_MS = 1000 / 60;
const TOPIC = "load";
const PARTITIONS = 12;
const RATE = 20_000;

const WINDOWED_COUNT = `import { type StreamsBuilder, TimeWindows, Duration } from "streamlab";
interface Click { userId: string; page: string }
export default (builder: StreamsBuilder) => {
  builder
    .stream<string, Click>("${TOPIC}")
    .groupBy((_user, click) => click.page)
    .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5)))
    .count()
    .toStream()
    .to("${TOPIC}-per-page-10s");
};
`;

async function buildSite(outDir: string): Promise<void> {
  const { build } = await import("vite");
  await build({ root, logLevel: "warn", build: { outDir, emptyOutDir: true } });
}

/** Gzipped bytes of a file of the built site, as a static host compresses it. */
function gzipped(path: string): number {
  return gzipSync(readFileSync(path), { level: 9 }).length;
}

interface FrameStats {
  frames: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** Frames a 60 Hz display would have shown but the page did not draw. */
  dropped: number;
  recordsPerSec: number;
}

// Page-side code is passed as text: tsx would wrap named functions in a helper the page
// does not have.
const MEASURE_FRAMES = `async (duration) => {
  const api = window.__streamlab.api;
  const records = async () => ((await api.listTopics()).find((t) => t.name === "${TOPIC}") || { records: 0 }).records;
  const r0 = await records();
  const w0 = performance.now();
  const stamps = [];
  await new Promise((done) => {
    requestAnimationFrame(function tick(t) {
      stamps.push(t);
      if (t - stamps[0] < duration) requestAnimationFrame(tick);
      else done();
    });
  });
  const r1 = await records();
  return { gaps: stamps.slice(1).map((t, i) => t - stamps[i]), records: r1 - r0, wallMs: performance.now() - w0 };
}`;

async function measureFrames(page: Page, ms: number): Promise<FrameStats> {
  return (page.evaluate(`(${MEASURE_FRAMES})(${ms})`) as Promise<{ gaps: number[]; records: number; wallMs: number }>).then(({ gaps, records, wallMs }) => {
    const sorted = [...gaps].sort((a, b) => a - b);
    let dropped = 0;
    for (const g of gaps) dropped += Math.max(0, Math.round(g / FRAME_MS) - 1);
    return {
      frames: gaps.length,
      medianMs: median(sorted),
      p95Ms: quantile(sorted, 0.95),
      maxMs: sorted[sorted.length - 1] ?? 0,
      dropped,
      recordsPerSec: (records * 1000) / wallMs,
    };
  });
}

function frameRow(name: string, s: FrameStats): Row {
  return {
    name,
    recordsPerSec: Math.round(s.recordsPerSec),
    notes: `frame median ${s.medianMs.toFixed(1)} ms, p95 ${s.p95Ms.toFixed(1)} ms, max ${s.maxMs.toFixed(0)} ms, ${s.dropped} dropped of ${s.frames + s.dropped} (60 Hz)`,
  };
}

async function heapUsed(page: Page): Promise<number> {
  const session = await page.context().newCDPSession(page);
  await session.send("Performance.enable");
  await session.send("HeapProfiler.collectGarbage");
  const { metrics } = await session.send("Performance.getMetrics");
  await session.detach();
  return metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? Number.NaN;
}

async function run(options: BenchOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const site = mkdtempSync(join(tmpdir(), "streamlab-ui-bench-"));
  options.progress("building the site");
  await buildSite(site);
  const served = await serveDirectory({ dir: site, port: 0 });
  const browser = await launchChromium({ viewport: { width: 1280, height: 720 } });
  try {
    // ---- cold load: what a first visit downloads and how soon the workbench answers ----
    options.progress("cold load");
    const page = await browser.newPage();
    const started = Date.now();
    await page.goto(served.url);
    await page.waitForSelector('[data-testid="app"][data-state="ready"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="topic-item-clicks"]', { timeout: 60_000 });
    const interactiveMs = Date.now() - started;
    const loaded = await page.evaluate(() => ({
      scripts: performance
        .getEntriesByType("resource")
        .filter((r) => r.name.endsWith(".js"))
        .map((r) => new URL(r.name).pathname),
      domContentLoadedMs: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
    }));
    const entry = readFileSync(join(site, "index.html"), "utf8").match(/src="\.\/(assets\/[^"]+\.js)"/)?.[1];
    // A worker's script is fetched by the page too: it is counted apart.
    const fetched = [...new Set([...loaded.scripts.map((p) => p.replace(/^\//, "")), ...(entry ? [entry] : [])])];
    const mainScripts = fetched.filter((p) => !/\.worker-/.test(p));
    const workerScripts = fetched.filter((p) => /\.worker-/.test(p));
    let initialGz = 0;
    for (const p of mainScripts) initialGz += gzipped(join(site, p));
    let workersGz = 0;
    for (const p of workerScripts) workersGz += gzipped(join(site, p));
    const assets = readdirSync(join(site, "assets"));
    const sizeOf = (prefix: string) => assets.filter((f) => f.startsWith(prefix) && f.endsWith(".js")).reduce((n, f) => n + gzipped(join(site, "assets", f)), 0);
    rows.push({
      name: "cold load: initial page JavaScript",
      notes: `page ${(initialGz / 1024).toFixed(1)} KiB gzipped in ${mainScripts.length} files (target < 250 KB); workers started at load ${(workersGz / 1024).toFixed(0)} KiB (${workerScripts.map((p) => p.replace(/^assets\//, "").replace(/-[\w-]+\.js$/, "")).join(", ")}); Monaco and TypeScript ${((sizeOf("editor.api") + sizeOf("monaco-editor") + sizeOf("ts.worker")) / 1024).toFixed(0)} KiB and elkjs ${(sizeOf("elk.bundled") / 1024).toFixed(0)} KiB only when their view opens`,
    });
    rows.push({
      name: "cold load: time to interactive",
      notes: `${interactiveMs} ms from navigation to a running broker with the first world on screen (DOMContentLoaded ${Math.round(loaded.domContentLoadedMs)} ms; target < 1.5 s)`,
    });

    // ---- the load: 20,000 records/s into 12 partitions, three groups, a windowed count ----
    options.progress("setting up the load");
    await page.evaluate(
      async ({ topic, partitions, rate, source }) => {
        const api = window.__streamlab!.api;
        for (const a of await api.describeApplications()) if (a.state !== "NOT_RUNNING") await api.stopApplication(a.applicationId);
        await api.resetWorkspace();
        await api.createTopic({ name: topic, partitions });
        await api.startGenerator({ kind: "clickstream", topic, ratePerSecond: rate });
        for (const [groupId, members] of [["billing", 2], ["audit", 1], ["search", 1]] as const) {
          for (let i = 0; i < members; i++) await api.addConsumer({ groupId, topics: [topic], recordsPerSecond: 100_000 });
        }
        await api.startApplication({ applicationId: "per-page", source });
        await api.play();
      },
      { topic: TOPIC, partitions: PARTITIONS, rate: RATE, source: WINDOWED_COUNT },
    );
    await page.waitForTimeout(options.quick ? 3000 : 8000);
    const seconds = options.quick ? 3 : 8;
    for (const view of ["partitions", "groups", "windows", "topology"] as const) {
      options.progress(`frames on the ${view} view`);
      if (view === "partitions") await page.getByTestId(`topic-item-${TOPIC}`).click();
      await page.getByTestId(`view-tab-${view}`).click();
      await page.waitForTimeout(1500);
      rows.push(frameRow(`${view} view, ${RATE.toLocaleString("en")} records/s generated into ${PARTITIONS} partitions, 3 groups, windowed count`, await measureFrames(page, seconds * 1000)));
    }

    // ---- memory over a stretch of generation ----
    const stretchMs = options.quick ? 20_000 : 120_000;
    options.progress(`heap over ${stretchMs / 1000} s of generation`);
    await page.getByTestId("view-tab-groups").click();
    const before = await heapUsed(page);
    await page.waitForTimeout(stretchMs);
    const after = await heapUsed(page);
    const perTenMinutes = ((after - before) / stretchMs) * 600_000;
    rows.push({
      name: `page heap over ${stretchMs / 1000} s of generation (groups view)`,
      notes: `${(before / 1e6).toFixed(1)} MB before, ${(after / 1e6).toFixed(1)} MB after (after GC); extrapolated to 10 minutes: ${perTenMinutes >= 0 ? "+" : ""}${(perTenMinutes / 1e6).toFixed(1)} MB`,
    });
    await page.evaluate(async () => {
      const api = window.__streamlab!.api;
      await api.pause();
      for (const a of await api.describeApplications()) if (a.state !== "NOT_RUNNING") await api.stopApplication(a.applicationId);
      await api.resetWorkspace();
    });
  } finally {
    await browser.close();
    served.server.close();
    rmSync(site, { recursive: true, force: true });
  }
  return rows;
}

const benchmark: Benchmark = { name: "workbench frames under load (Chromium, Playwright)", run };
export default benchmark;
