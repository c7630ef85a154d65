/**
 * The workbench under load, in headless Chromium driven by Playwright: the built site is
 * served from a temp dir, a generator produces 20,000 records/s into 12 partitions, three
 * consumer groups read them and a windowed count runs; each live view is shown in turn
 * and its frame times measured (requestAnimationFrame). Also the cold load (initial
 * JavaScript, gzipped, and time until the workbench answers) and the heap of the page and
 * of each worker, after a forced GC, once a minute over 2 (--quick) or 10 minutes of
 * generation while the views take turns. STREAMLAB_BENCH_SITE=<dir> runs it on a site
 * built beforehand instead of building one.
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

/** A built script and every chunk it imports statically, transitively (paths relative to the site). */
function staticClosure(site: string, script: string): string[] {
  const seen = new Set<string>([script]);
  const queue = [script];
  while (queue.length > 0) {
    const file = queue.pop()!;
    const text = readFileSync(join(site, file), "utf8");
    // Static imports only (`from"./x.js"`, `import"./x.js"`); `import("./x.js")` loads later.
    for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*["'](\.\/[^"']+\.js)["']/g)) {
      const path = join(file, "..", m[1]!);
      if (!seen.has(path)) {
        seen.add(path);
        queue.push(path);
      }
    }
  }
  return [...seen];
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

async function topicRecords(page: Page): Promise<number> {
  return page.evaluate(async (topic) => ((await window.__streamlab!.api.listTopics()).find((t) => t.name === topic) ?? { records: 0 }).records, TOPIC);
}

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

/** JS heap in use after a forced full GC, of the page and of each worker it started (by worker name). */
interface HeapReading {
  page: number;
  workers: Map<string, number>;
}

async function heapReading(page: Page): Promise<HeapReading> {
  const session = await page.context().newCDPSession(page);
  try {
    await session.send("HeapProfiler.collectGarbage");
    const pageHeap = (await session.send("Runtime.getHeapUsage")).usedSize;
    // Workers are reached through their targets; Playwright's sessions attach to pages
    // only, so the worker's protocol messages travel wrapped in the page session's.
    const workers = new Map<string, number>();
    const { targetInfos } = await session.send("Target.getTargets");
    let nextId = 1;
    const waiting = new Map<number, (result: unknown) => void>();
    session.on("Target.receivedMessageFromTarget", (e) => {
      const message = JSON.parse(e.message) as { id?: number; result?: unknown };
      if (message.id !== undefined) waiting.get(message.id)?.(message.result);
    });
    for (const target of targetInfos.filter((t) => t.type === "worker")) {
      const { sessionId } = await session.send("Target.attachToTarget", { targetId: target.targetId, flatten: false });
      const call = (method: string) =>
        new Promise<unknown>((resolve) => {
          const id = nextId++;
          waiting.set(id, resolve);
          void session.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method, params: {} }) });
        });
      await call("HeapProfiler.collectGarbage");
      const usage = (await call("Runtime.getHeapUsage")) as { usedSize: number };
      const name = target.title || target.url.replace(/^.*\//, "");
      workers.set(name, (workers.get(name) ?? 0) + usage.usedSize);
      await session.send("Target.detachFromTarget", { sessionId });
    }
    return { page: pageHeap, workers };
  } finally {
    await session.detach();
  }
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

async function run(options: BenchOptions): Promise<Row[]> {
  const rows: Row[] = [];
  // STREAMLAB_BENCH_SITE: a site built beforehand (`npx vite build --outDir <dir>`), to
  // compare builds under the same conditions without rebuilding each time.
  const prebuilt = process.env.STREAMLAB_BENCH_SITE;
  const site = prebuilt ?? mkdtempSync(join(tmpdir(), "streamlab-ui-bench-"));
  if (!prebuilt) {
    options.progress("building the site");
    await buildSite(site);
  }
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
    const assets = readdirSync(join(site, "assets"));
    const sizeOf = (prefix: string) => assets.filter((f) => f.startsWith(prefix) && f.endsWith(".js")).reduce((n, f) => n + gzipped(join(site, "assets", f)), 0);
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
    // A worker's own imports are fetched by the worker, out of the page's sight: its size is
    // its script with every chunk that script imports statically.
    const workerSizes = workerScripts.map((p) => ({ name: p.replace(/^assets\//, "").replace(/-[\w-]+\.js$/, ""), gz: staticClosure(site, p).reduce((n, f) => n + gzipped(join(site, f)), 0) }));
    rows.push({
      name: "cold load: initial page JavaScript",
      notes: `page ${(initialGz / 1024).toFixed(1)} KiB gzipped in ${mainScripts.length} files (target < 250 KB); workers started at load: ${workerSizes.map((w) => `${w.name} ${kib(w.gz)}`).join(", ")}; Monaco and TypeScript ${kib(sizeOf("editor.api") + sizeOf("monaco-editor") + sizeOf("ts.worker"))} and elkjs ${kib(sizeOf("elk.bundled"))} only when their view opens; the processing runtime with the TypeScript compiler ${kib(sizeOf("processing-runtime"))} in each application's processing worker`,
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
    // The views take turns (a quarter of each cycle each), so whatever any of them keeps
    // per record or per event has the time to pile up; the heap is read, after a full GC,
    // each time the cycle comes back to the partitions view.
    const stretchMs = options.quick ? 120_000 : 600_000;
    const cycleMs = 60_000;
    const views = ["partitions", "groups", "windows", "topology"] as const;
    options.progress(`heap over ${stretchMs / 1000} s of generation`);
    await page.getByTestId("view-tab-partitions").click();
    await page.waitForTimeout(2000);
    const readings: Array<{ atMs: number; heap: HeapReading }> = [{ atMs: 0, heap: await heapReading(page) }];
    const produced0 = await topicRecords(page);
    const stretchStarted = Date.now();
    for (let at = 0; at < stretchMs; at += cycleMs) {
      for (const view of views) {
        await page.getByTestId(`view-tab-${view}`).click();
        await page.waitForTimeout(cycleMs / views.length);
      }
      await page.getByTestId("view-tab-partitions").click();
      await page.waitForTimeout(2000);
      readings.push({ atMs: Date.now() - stretchStarted, heap: await heapReading(page) });
      options.progress(`  heap at ${Math.round((Date.now() - stretchStarted) / 1000)} s: page ${mb(readings.at(-1)!.heap.page)} MB`);
    }
    const generatedPerSec = ((await topicRecords(page)) - produced0) / ((Date.now() - stretchStarted) / 1000);
    const first = readings[0]!.heap;
    const last = readings.at(-1)!.heap;
    rows.push({
      name: `page heap over ${stretchMs / 60_000} min of generation (views in turn)`,
      recordsPerSec: Math.round(generatedPerSec),
      notes: `${mb(first.page)} MB before, ${mb(last.page)} MB after, max ${mb(Math.max(...readings.map((r) => r.heap.page)))} MB (after a forced GC, every ${cycleMs / 1000} s: ${readings.map((r) => mb(r.heap.page)).join(", ")})`,
    });
    for (const [name, before] of first.workers) {
      const series = readings.map((r) => r.heap.workers.get(name) ?? Number.NaN);
      rows.push({
        name: `worker heap over ${stretchMs / 60_000} min: ${name}`,
        notes: `${mb(before)} MB before, ${mb(last.workers.get(name) ?? Number.NaN)} MB after (every ${cycleMs / 1000} s: ${series.map(mb).join(", ")})`,
      });
    }
    await page.evaluate(async () => {
      const api = window.__streamlab!.api;
      await api.pause();
      for (const a of await api.describeApplications()) if (a.state !== "NOT_RUNNING") await api.stopApplication(a.applicationId);
      await api.resetWorkspace();
    });
  } finally {
    await browser.close();
    served.server.close();
    if (!prebuilt) rmSync(site, { recursive: true, force: true });
  }
  return rows;
}

const benchmark: Benchmark = { name: "workbench frames under load (Chromium, Playwright)", run };
export default benchmark;
