import { expect, test, type Locator, type Page } from "@playwright/test";
import { expectAccessible, screenshotBothThemes } from "./support/workbench";

// The live views as a presenter uses them, at 1280×720, against the real engine: a new
// workspace opens on the first world (clickstream → clicks, the dashboard group of two
// consumers, the page-views windowed count running in its own worker). Every step is a
// click or typing; every check reads the screen.

test.describe.configure({ timeout: 150_000 });

async function openLiveWorld(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto("./");
  await expect(page.getByTestId("app")).toHaveAttribute("data-state", "ready", { timeout: 20_000 });
  await expect(page.getByTestId("topic-item-clicks")).toBeVisible();
}

async function speed(page: Page, s: 1 | 10 | 100): Promise<void> {
  await page.getByTestId(`speed-${s}`).click();
  await expect(page.getByTestId("speed-value")).toHaveText(`${s}×`);
}

/** Records of a topic in the rail ("3p · 44"). */
async function railCount(page: Page, topic: string): Promise<number> {
  const text = (await page.getByTestId(`topic-item-${topic}`).locator(".topic-meta").textContent()) ?? "";
  return number(text.slice(text.indexOf("·") + 1));
}

async function number(from: Locator | string): Promise<number> {
  if (typeof from === "string") return parseCount(from);
  return parseCount((await from.textContent()) ?? "");
}

function parseCount(text: string): number {
  const m = /-?\d[\d.]*k?/.exec(text.replace(/,/g, ""));
  if (!m) return Number.NaN;
  return m[0].endsWith("k") ? Number(m[0].slice(0, -1)) * 1000 : Number(m[0]);
}

/** Put the cursor at the end of line `line` of the editor, with the keyboard. */
async function endOfLine(page: Page, line: number): Promise<void> {
  await page.getByTestId("monaco-host").click({ position: { x: 400, y: 60 } });
  await page.keyboard.press("Escape");
  // Go to line (Ctrl+G), as in VS Code.
  await page.keyboard.press("Control+G");
  await expect(page.locator(".quick-input-widget input")).toBeVisible();
  await page.keyboard.type(String(line));
  await page.keyboard.press("Enter");
  await expect(page.locator(".quick-input-widget")).toBeHidden();
  await page.keyboard.press("End");
}

async function waitForRunningApp(page: Page): Promise<void> {
  await page.getByTestId("view-tab-topology").click();
  await expect(page.getByTestId("app-state")).toHaveText("RUNNING", { timeout: 60_000 });
}

test("first impression: a live world at once, a hint, and the same workspace after a reload", async ({ page }) => {
  await openLiveWorld(page);
  const hint = page.getByTestId("first-world-hint");
  await expect(hint).toContainText("crash consumer-2");
  // Kafka moving: records arrive in the three partitions, the group reads them.
  await expect(page.getByTestId("tape-row-2")).toBeVisible();
  await expect.poll(async () => railCount(page, "clicks"), { timeout: 15_000 }).toBeGreaterThan(3);
  await expect(page.getByTestId("rail-group-dashboard")).toContainText("2m");
  await expect(page.getByTestId("rail-generators")).toContainText("clickstream");
  await waitForRunningApp(page);
  await page.getByTestId("view-tab-partitions").click();
  await screenshotBothThemes(page, "first-impression");
  await expectAccessible(page, "first impression");

  // The workspace comes back as it was: topics, generator, group, application, hint.
  const before = await railCount(page, "clicks");
  await page.reload();
  await expect(page.getByTestId("app")).toHaveAttribute("data-state", "ready", { timeout: 20_000 });
  await expect(page.getByTestId("first-world-hint")).toBeVisible();
  await expect(page.getByTestId("rail-generators")).toContainText("clickstream");
  await expect(page.getByTestId("rail-group-dashboard")).toContainText("2m", { timeout: 20_000 });
  await expect.poll(async () => railCount(page, "clicks")).toBeGreaterThanOrEqual(before);
  await waitForRunningApp(page);

  // Dismissed, the hint stays gone after a reload; a reset empties the workspace.
  await page.getByTestId("first-world-dismiss").click();
  await expect(page.getByTestId("first-world-hint")).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("app")).toHaveAttribute("data-state", "ready", { timeout: 20_000 });
  await expect(page.getByTestId("topic-item-clicks")).toBeVisible();
  await expect(page.getByTestId("first-world-hint")).toHaveCount(0);
  await page.getByTestId("reset-workspace").click();
  await page.getByTestId("reset-confirm").click();
  await expect(page.getByTestId("topic-list-empty")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("action-error")).toHaveCount(0);
  await page.getByTestId("view-tab-groups").click();
  await expect(page.getByTestId("groups-empty")).toContainText("No consumer groups yet");
});

test("groups: add a consumer, crash one and watch the session timeout move its partitions, switch assignor, rewind, slow a member", async ({ page }) => {
  await openLiveWorld(page);
  await page.getByTestId("first-world-dismiss").click();
  await page.getByTestId("view-tab-groups").click();
  await speed(page, 10);
  await expect(page.getByTestId("group-title")).toHaveText("dashboard");
  await expect(page.getByTestId("group-state")).toHaveText("Stable", { timeout: 30_000 });
  await expect(page.getByTestId("member-card-consumer-1")).toBeVisible();
  await expect(page.getByTestId("member-card-consumer-2")).toBeVisible();
  // Range over three partitions: consumer-1 gets two, consumer-2 one, arrows to each.
  await expect(page.getByTestId("partition-row-clicks-2")).toHaveAttribute("data-owner", "consumer-2");
  await expect(page.getByTestId("edge-clicks-2")).toHaveAttribute("data-member", "consumer-2");
  const generation = await number(page.getByTestId("group-generation"));

  await page.getByTestId("add-consumer").click();
  await expect(page.getByTestId("member-card-consumer-3")).toBeVisible();
  await expect.poll(async () => number(page.getByTestId("group-generation")), { timeout: 20_000 }).toBeGreaterThan(generation);
  await expect(page.getByTestId("group-state")).toHaveText("Stable", { timeout: 20_000 });
  await expect(page.getByTestId("edge-clicks-2")).toHaveAttribute("data-member", "consumer-3");
  await screenshotBothThemes(page, "groups");

  // Crash: heartbeats stop; the member keeps its partition until session.timeout.ms runs out.
  await speed(page, 1);
  await page.getByTestId("member-crash-consumer-3").click();
  await expect(page.getByTestId("member-state-consumer-3")).toHaveText("CRASHED");
  await expect(page.getByTestId("countdown-consumer-3")).toContainText("evicted within");
  await expect(page.getByTestId("partition-row-clicks-2")).toHaveAttribute("data-owner", "consumer-3");
  await screenshotBothThemes(page, "groups-crash");
  await speed(page, 10);
  await expect(page.getByTestId("member-state-consumer-3")).toHaveText("EVICTED", { timeout: 20_000 });
  await expect(page.getByTestId("partition-row-clicks-2")).not.toHaveAttribute("data-owner", "consumer-3");
  await expect(page.getByTestId("edge-clicks-2")).toHaveAttribute("data-member", /consumer-[12]/);
  // The swimlane marks the generation the eviction formed, with the partition that moved.
  const latest = await number(page.getByTestId("group-generation"));
  await page.getByTestId(`gen-mark-${latest}`).focus();
  await expect(page.getByTestId(`mark-details-${latest}`)).toContainText("missed its session timeout");
  await expect(page.getByTestId(`mark-details-${latest}`).locator(".gained", { hasText: "clicks-2" })).toBeVisible();
  await expect(page.getByTestId("lane-consumer-3")).toHaveAttribute("data-ended", "evicted: session timeout");

  // Another assignor, by a rolling restart of the members.
  await page.getByTestId("group-assignor").selectOption("roundrobin");
  await expect(page.locator(".group-header")).toContainText("protocol roundrobin", { timeout: 20_000 });

  // Rewind to the beginning: every record is processed again, and the check says so.
  await page.getByTestId("rewind-target").selectOption("earliest");
  await page.getByTestId("rewind-group").click();
  await expect.poll(async () => number(page.getByTestId("ordering-count-offset-regression")), { timeout: 20_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId("ordering-examples")).toContainText("processed key");

  // The console shows where it happened: the replayed records, marked.
  await page.getByTestId("drawer-tab-console").click();
  await page.getByTestId("console-mode-group").check();
  await page.getByTestId("rewind-group").click();
  await expect(page.getByTestId("console-flagged")).toContainText("out of order", { timeout: 20_000 });
  await expect(page.locator(".console-line.flagged").first()).toContainText("replayed");
  await page.getByTestId("drawer-close").click();

  // A slow consumer falls behind: lag grows on the chart.
  for (const m of ["consumer-1", "consumer-2"]) {
    await page.getByTestId(`member-rate-${m}`).fill("1");
    await page.getByTestId(`member-rate-${m}`).press("Enter");
  }
  await expect.poll(async () => number(page.getByTestId("lag-total")), { timeout: 30_000 }).toBeGreaterThan(20);
  await expectAccessible(page, "groups view");
});

test("windows: bands with live aggregates, stream time, grace, late records dropped and counted", async ({ page }) => {
  await openLiveWorld(page);
  await page.getByTestId("first-world-dismiss").click();
  await waitForRunningApp(page);
  await page.getByTestId("view-tab-windows").click();
  await speed(page, 10);
  await expect(page.getByTestId("window-kind")).toContainText("tumbling · size 10 s", { timeout: 30_000 });
  await expect(page.getByTestId("windows-canvas")).toBeVisible();
  await expect(page.getByTestId("stream-time")).toContainText("stream time");
  const rows = page.getByTestId("window-row");
  await expect(rows.first()).toBeVisible();
  // An open window's count goes up while records arrive; closed ones are kept, marked.
  await expect(page.locator('[data-testid="window-row"][data-closed="true"]').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("window-grace")).toHaveText("grace 5 s", { timeout: 30_000 });
  const total = async () => {
    const values = await page.getByTestId("window-aggregate").allTextContents();
    return values.reduce((n, v) => n + (Number(v) || 0), 0);
  };
  const first = await total();
  await expect.poll(total, { timeout: 20_000 }).not.toBe(first);
  // 3 % of the clicks arrive 20 s late: past end + grace, dropped and counted.
  await expect.poll(async () => number(page.getByTestId("late-dropped")), { timeout: 60_000 }).toBeGreaterThan(0);
  await speed(page, 1);
  await screenshotBothThemes(page, "windows");
  await expectAccessible(page, "windows view");
});

test("topology: the running graph laid out, throughput on edges, a node's last records, describe() beside it", async ({ page }) => {
  await openLiveWorld(page);
  await page.getByTestId("first-world-dismiss").click();
  await waitForRunningApp(page);
  const graph = page.getByTestId("topology-graph");
  await expect(graph).toBeVisible();
  await expect(page.getByTestId("tsub-0")).toContainText("Sub-topology 0 · 3 tasks");
  await expect(page.getByTestId("tsub-1")).toContainText("Sub-topology 1");
  await expect(page.getByTestId("tnode-topic:clicks")).toBeVisible();
  await expect(page.getByTestId("tnode-topic:page-views-views-per-page-repartition")).toBeVisible();
  await expect(page.getByTestId("tnode-topic:page-views-views-per-page-changelog")).toBeVisible();
  await expect(page.getByTestId("describe-text")).toContainText("Sub-topology: 1");
  await expect(page.getByTestId("describe-text")).toContainText("KSTREAM-AGGREGATE-0000000002 (stores: [views-per-page])");
  // Records flow: the source's edge carries a rate.
  await expect.poll(async () => Number(await page.getByTestId("tedge-e:clicks->KSTREAM-SOURCE-0000000000").getAttribute("data-rate")), { timeout: 20_000 }).toBeGreaterThan(0);
  await page.getByTestId("tnode-store:views-per-page").click();
  await expect(page.getByTestId("node-panel")).toContainText("views-per-page");
  await expect(page.getByTestId("node-records").locator("li").first()).toBeVisible({ timeout: 20_000 });
  await page.getByTestId("tnode-topic:clicks").click();
  await expect(page.getByTestId("node-records")).toContainText("user-");
  // The application's per-key ordering, checked while the view is open.
  await expect(page.getByTestId("ordering-panel")).toBeVisible({ timeout: 20_000 });
  await screenshotBothThemes(page, "topology");
  await expectAccessible(page, "topology view");

  // A stateless filter: selecting it has the engine watch it, and the records it received show with what it did.
  await page.getByTestId("drawer-tab-editor").click();
  await expect(page.locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  await page.getByTestId("editor-template").selectOption("filter-map");
  await page.getByTestId("editor-prepare").click();
  await expect(page.getByTestId("editor-missing-topics")).toHaveCount(0, { timeout: 20_000 });
  await page.getByTestId("editor-run").click();
  await expect(page.getByTestId("editor-status")).toHaveText("RUNNING", { timeout: 60_000 });
  await page.getByTestId("drawer-close").click();
  await page.getByTestId("app-tab-big-orders").click();
  await expect(page.getByTestId("app-state")).toHaveText("RUNNING");
  await page.getByTestId("tnode-node:KSTREAM-FILTER-0000000001").click();
  await expect(page.getByTestId("node-panel")).toContainText("Last records received");
  const received = page.getByTestId("watched-record");
  await expect(received.first()).toBeVisible({ timeout: 20_000 });
  // Orders of 5 to 200 EUR and more: some pass the filter, some do not.
  await expect(page.getByTestId("watched-outcome").filter({ hasText: "passed" }).first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("watched-outcome").filter({ hasText: "filtered out" }).first()).toBeVisible({ timeout: 20_000 });
  await expect(received.first()).toContainText(/"amount":\d/);
  await expect(received.first()).toContainText(/p\d@\d+/);
  await screenshotBothThemes(page, "topology-filter-watched");
  await expectAccessible(page, "topology view, a watched filter");
});

test("editor: templates, completion and type errors as you type, run, a runtime error at its line, fix, restart, reset, stop", async ({ page }) => {
  await openLiveWorld(page);
  await page.getByTestId("first-world-dismiss").click();
  await page.getByTestId("drawer-tab-editor").click();
  await expect(page.locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  await page.getByTestId("editor-template").selectOption("filter-map");
  await expect(page.getByTestId("editor-app-id")).toHaveValue("big-orders");
  await expect(page.locator(".view-lines")).toContainText("Orders of 100 EUR or more");
  await expect(page.getByTestId("editor-missing-topics")).toContainText("orders");
  await page.getByTestId("editor-prepare").click();
  await expect(page.getByTestId("editor-missing-topics")).toHaveCount(0, { timeout: 20_000 });

  // Completion from the streamlab declarations, and a type error underlined as it is typed.
  // Line 13 is `export default (builder: StreamsBuilder) => {`.
  await endOfLine(page, 13);
  await page.keyboard.press("Enter");
  await page.keyboard.type("builder", { delay: 50 });
  await page.keyboard.press("Escape");
  await page.keyboard.type(".");
  // Members of StreamsBuilder, from the declarations: what an IDE would offer.
  await expect(page.locator(".suggest-widget")).toContainText("stream", { timeout: 20_000 });
  await expect(page.locator(".suggest-widget")).toContainText("globalTable");
  await page.keyboard.press("Escape");
  for (let i = 0; i < "builder.".length; i++) await page.keyboard.press("Backspace");
  await page.keyboard.type('const n: number = "text"', { delay: 30 });
  await page.keyboard.press("Escape");
  await page.keyboard.type(";");
  await expect(page.locator(".squiggly-error").first()).toBeVisible({ timeout: 20_000 });
  // The engine refuses it too, and says where.
  await page.getByTestId("editor-run").click();
  await expect(page.getByTestId("editor-errors")).toContainText(/line 14:\d+ — Type 'string' is not assignable to type 'number'/);
  await screenshotBothThemes(page, "editor-compile-error");

  // Back to the template: it runs.
  await page.getByTestId("editor-template").selectOption("filter-map");
  await page.getByTestId("editor-run").click();
  await expect(page.getByTestId("editor-status")).toHaveText("RUNNING", { timeout: 60_000 });
  await expect(page.getByTestId("editor-errors")).toHaveCount(0);

  // A change that throws on every record: the application stops in ERROR, the marker sits on the line.
  // Line 16 is `.filter((_id, order) => order.amount >= 100)`: type over the 100.
  await endOfLine(page, 16);
  await page.keyboard.press("ArrowLeft");
  for (let i = 0; i < 3; i++) await page.keyboard.press("Backspace");
  await page.keyboard.type("(order as never as { x: { y: number } }).x.y", { delay: 25 });
  await page.keyboard.press("Escape");
  await expect(page.locator(".view-lines")).toContainText("order.amount >= (order as never");
  await page.getByTestId("editor-run").click();
  await expect(page.getByTestId("editor-status")).toHaveText("ERROR", { timeout: 60_000 });
  await expect(page.getByTestId("editor-runtime-error")).toContainText(/while processing orders-\d offset \d+/);
  await expect(page.getByTestId("editor-runtime-error")).toContainText("topology.ts:16:");
  await expect(page.locator(".squiggly-error").first()).toBeVisible();
  await screenshotBothThemes(page, "editor-runtime-error");

  // Fixed and restarted; then reset to the beginning; then stopped.
  await page.getByTestId("editor-template").selectOption("filter-map");
  await page.getByTestId("editor-run").click();
  await expect(page.getByTestId("editor-status")).toHaveText("RUNNING", { timeout: 60_000 });
  await page.getByTestId("editor-reset").check();
  await page.getByTestId("editor-run").click();
  await expect(page.getByTestId("editor-notice")).toContainText("Reset to the beginning and restarted", { timeout: 60_000 });
  await expect(page.getByTestId("editor-status")).toHaveText("RUNNING", { timeout: 60_000 });
  // The other reset: input offsets only, the state kept. The choice is offered with the reset and lasts one restart.
  await expect(page.getByTestId("editor-keep-state")).toHaveCount(0);
  await page.getByTestId("editor-reset").check();
  await page.getByTestId("editor-keep-state").check();
  await page.getByTestId("editor-run").click();
  await expect(page.getByTestId("editor-notice")).toContainText("with the state kept", { timeout: 60_000 });
  await expect(page.getByTestId("editor-status")).toHaveText("RUNNING", { timeout: 60_000 });
  await expect(page.getByTestId("editor-reset")).not.toBeChecked();
  await expect(page.getByTestId("editor-keep-state")).toHaveCount(0);
  await page.getByTestId("editor-stop").click();
  await expect(page.getByTestId("editor-status")).toHaveText("NOT_RUNNING", { timeout: 30_000 });
  await expectAccessible(page, "editor");
});

test("SQL tab: ksqlDB statements run against the engine, a push query's rows arrive live, a syntax error is marked at its line", async ({ page }) => {
  await openLiveWorld(page);
  await page.getByTestId("first-world-dismiss").click();
  await page.getByTestId("drawer-tab-editor").click();
  await page.getByTestId("editor-mode-sql").click();
  await expect(page.locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  await expect(page.locator(".view-lines")).toContainText("CREATE STREAM clicks_s");
  await page.getByTestId("sql-run").click();
  await expect(page.getByTestId("sql-result")).toHaveCount(2, { timeout: 30_000 });
  await expect(page.getByTestId("sql-result").first()).toContainText("Stream created");
  await expect(page.getByTestId("sql-push-state")).toHaveText("RUNNING");
  await expect(page.getByTestId("sql-push-rows").locator("tbody tr").first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("sql-push-rows").locator("thead")).toContainText("VIEWS");
  await screenshotBothThemes(page, "sql");
  await page.getByTestId("sql-push-cancel").click();
  await expect(page.getByTestId("sql-push-state")).toHaveText(/CANCELLED|DONE/);
  await expect(page.getByTestId("sql-push-cancel")).toHaveCount(0);

  // A typo in a new statement: nothing runs, the error sits on its line.
  await endOfLine(page, 10);
  await page.keyboard.press("Enter");
  await page.keyboard.type("SELEKT * FROM clicks_s", { delay: 20 });
  await page.keyboard.press("Escape");
  await page.keyboard.type(";");
  await page.getByTestId("sql-run").click();
  await expect(page.getByTestId("sql-error")).toContainText(/line 1[01]:1 — unexpected 'SELEKT'.*did you mean SELECT/);
  await expect(page.locator(".squiggly-error").first()).toBeVisible();
  await expectAccessible(page, "SQL tab");
});

test("console consumer: a topic's records as kafka-console-consumer prints them", async ({ page }) => {
  await openLiveWorld(page);
  await page.getByTestId("first-world-dismiss").click();
  await page.getByTestId("drawer-tab-console").click();
  await page.getByTestId("console-topic").selectOption("clicks");
  await page.getByTestId("console-from-beginning").check();
  await expect(page.locator(".console-command")).toContainText("--topic clicks --from-beginning --property print.key=true");
  await expect(page.getByTestId("console-line").first()).toContainText(/Partition:\d\tOffset:\d+\tuser-\d\d\t\{"userId"/, { timeout: 20_000 });
  const count = await page.getByTestId("console-line").count();
  await expect.poll(() => page.getByTestId("console-line").count(), { timeout: 20_000 }).toBeGreaterThan(count);
  await page.getByTestId("console-pause").click();
  await screenshotBothThemes(page, "console");
  await expectAccessible(page, "console");
});

test("reduced motion: arrows jump instead of swinging, and a moved one is highlighted", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await openLiveWorld(page);
  await page.getByTestId("first-world-dismiss").click();
  await page.getByTestId("view-tab-groups").click();
  await speed(page, 10);
  await expect(page.getByTestId("group-state")).toHaveText("Stable", { timeout: 30_000 });
  await expect(page.getByTestId("edge-clicks-2")).toHaveCSS("transition-duration", "0s");
  await page.getByTestId("add-consumer").click();
  await expect(page.getByTestId("edge-clicks-2")).toHaveAttribute("data-member", "consumer-3", { timeout: 20_000 });
  await expect(page.getByTestId("edge-clicks-2")).toHaveClass(/moved/);
});
