import { expect, test, type Page } from "@playwright/test";
import { createTopic, expectAccessible, openWorkbench, pauseClock, resetThroughUi, screenshotBothThemes } from "./support/workbench";

// The workbench as a presenter uses it, at 1280×720, against the real engine in its worker:
// every step is a click, a keypress, a drag or typing, and every check reads the screen.

test.beforeEach(async ({ page }) => {
  await openWorkbench(page);
  await resetThroughUi(page);
});

async function tapeBox(page: Page) {
  const box = await page.getByTestId("tape-canvas").boundingBox();
  if (!box) throw new Error("the tape canvas is not on screen");
  return box;
}

test("shell: empty state, shortcuts help, theme toggle, and the accessibility check", async ({ page }) => {
  await expect(page.getByTestId("topic-view-empty")).toContainText("No topics yet");
  await expect(page.getByTestId("storage-indicator")).toHaveAttribute("data-kind", "opfs");
  await expect(page.getByTestId("storage-indicator")).toContainText("saved locally");
  await screenshotBothThemes(page, "shell-empty");
  await expectAccessible(page, "empty workbench");

  await page.keyboard.press("?");
  await expect(page.getByTestId("shortcuts-dialog")).toBeVisible();
  await expect(page.getByTestId("shortcuts-dialog")).toContainText("Play / pause the whole engine");
  await screenshotBothThemes(page, "shortcuts");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("shortcuts-dialog")).toHaveCount(0);

  const app = page.getByTestId("app");
  const before = await app.getAttribute("data-theme");
  await page.getByTestId("theme-toggle").click();
  await expect(app).not.toHaveAttribute("data-theme", before!);
  // The choice survives a reload.
  const chosen = await app.getAttribute("data-theme");
  await page.reload();
  await expect(page.getByTestId("app")).toHaveAttribute("data-theme", chosen!);
});

test("time controls: space pauses, '.' steps, ']' and '[' change speed, the clock shows it", async ({ page }) => {
  const clock = page.getByTestId("clock");
  await pauseClock(page);
  const t0 = Number(await clock.getAttribute("data-now"));
  await page.waitForTimeout(300);
  expect(Number(await clock.getAttribute("data-now"))).toBe(t0);
  await page.keyboard.press(".");
  await expect(clock).toHaveAttribute("data-now", String(t0 + 100));
  await page.getByTestId("clock-step").click();
  await expect(clock).toHaveAttribute("data-now", String(t0 + 200));
  await page.getByTestId("speed-1").click();
  await page.keyboard.press("]");
  await expect(page.getByTestId("speed-value")).toHaveText("2×");
  await page.keyboard.press("[");
  await page.keyboard.press("[");
  await expect(page.getByTestId("speed-value")).toHaveText("0.5×");
  await page.getByTestId("speed-100").click();
  await expect(page.getByTestId("speed-value")).toHaveText("100×");
  await page.keyboard.press(" ");
  await expect(page.getByTestId("clock-play")).toHaveAttribute("aria-pressed", "true");
  await expect.poll(async () => Number(await clock.getAttribute("data-now")) - t0, { timeout: 5000 }).toBeGreaterThan(20_000);
});

test("partitions: create a topic in the dialog, produce by form, zoom and pan the tape, inspect a record", async ({ page }) => {
  await pauseClock(page);
  await createTopic(page, "orders", 3);
  await expect(page.getByTestId("tape-row-0")).toBeVisible();
  await expect(page.getByTestId("tape-row-2")).toBeVisible();

  // One record by hand, with a header, to partition 1.
  await page.getByTestId("drawer-tab-produce").click();
  await page.getByTestId("produce-key").fill("order-1");
  await page.getByTestId("produce-value").fill('{"amount": 42, "currency": "EUR"}');
  await page.getByTestId("produce-partition").fill("1");
  await page.getByTestId("produce-add-header").click();
  await page.getByTestId("produce-header-key-0").fill("source");
  await page.getByTestId("produce-header-value-0").fill("web");
  await page.getByTestId("produce-send").click();
  await expect(page.getByTestId("produce-result")).toHaveText("Acknowledged: partition 1, offset 0");
  // Then many keyed ones.
  await page.getByTestId("produce-count").fill("3000");
  await page.getByTestId("produce-submit").click();
  await expect(page.getByTestId("produce-status")).toHaveAttribute("data-finished", "true", { timeout: 30_000 });
  await page.getByTestId("drawer-close").click();

  const row1 = page.getByTestId("tape-row-1");
  await expect.poll(async () => Number(await row1.getByTestId("tape-hw").textContent())).toBeGreaterThan(100);
  const hw = [0, 1, 2].map((p) => page.getByTestId(`tape-row-${p}`).getByTestId("tape-hw"));
  const total = (await Promise.all(hw.map(async (h) => Number(await h.textContent())))).reduce((a, b) => a + b, 0);
  expect(total).toBe(3001);
  await screenshotBothThemes(page, "partitions-tail");
  await page.getByTestId("drawer-tab-produce").click();
  await expectAccessible(page, "produce drawer");
  await page.getByTestId("drawer-close").click();

  // Fit the whole log: the view switches to density bars; wheel zooms back into cells.
  const info = page.getByTestId("tape-info");
  await page.getByTestId("tape-fit").click();
  await expect(info).toHaveAttribute("data-mode", "density");
  await expect(info).toHaveAttribute("data-from", "0");
  const box = await tapeBox(page);
  await page.mouse.move(box.x + 40, box.y + 60);
  for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -300);
  await expect(info).toHaveAttribute("data-mode", "labelled");
  const zoomedFrom = Number(await info.getAttribute("data-from"));
  expect(zoomedFrom).toBeLessThan(100);
  await screenshotBothThemes(page, "partitions-zoomed");

  // Drag to pan right: later offsets come into view.
  await page.mouse.move(box.x + box.width * 0.8, box.y + 60);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + 60, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => Number(await info.getAttribute("data-from"))).toBeGreaterThan(zoomedFrom + 3);

  // Back to the start, zoom in on offset 0, then click it in partition 1: the record produced by hand.
  await page.getByTestId("tape-fit").click();
  await expect(info).toHaveAttribute("data-mode", "density");
  const x0AfterFit = Number(await info.getAttribute("data-x0"));
  expect(x0AfterFit).toBeGreaterThan(0);
  await page.mouse.move(box.x + x0AfterFit, box.y + 60);
  for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -300);
  await expect(info).toHaveAttribute("data-mode", "labelled");
  let x0 = Number(await info.getAttribute("data-x0"));
  if (x0 < 5) {
    // Pan so that offset 0 is on screen with a little room before it.
    await page.mouse.move(box.x + box.width * 0.3, box.y + 60);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3 + (20 - x0), box.y + 60, { steps: 4 });
    await page.mouse.up();
    await expect.poll(async () => Number(await info.getAttribute("data-x0"))).toBeGreaterThanOrEqual(5);
    x0 = Number(await info.getAttribute("data-x0"));
  }
  const px = Number(await info.getAttribute("data-px-per-offset"));
  // Rows: a 22 px axis, then 92 px per partition, cells 22–52 px into a row.
  await page.mouse.click(box.x + x0 + px / 2, box.y + 22 + 92 + 36);
  const inspector = page.getByTestId("inspector-record");
  await expect(inspector.getByTestId("inspector-offset")).toHaveText("0");
  await expect(inspector.getByTestId("inspector-key")).toHaveText("order-1");
  await expect(inspector.getByTestId("inspector-value")).toHaveText('{\n  "amount": 42,\n  "currency": "EUR"\n}');
  await expect(inspector.getByTestId("inspector-headers")).toContainText("source = web");
  await expect(inspector.getByTestId("inspector-segment")).toContainText("00000000000000000000.log");
  await expect(inspector.getByTestId("inspector-position")).toHaveText("0");
  await expect(inspector.getByTestId("inspector-producer")).toContainText("sequence 0");
  await screenshotBothThemes(page, "partitions-inspector");
  await expectAccessible(page, "partitions view with a record inspected");
});

test("generators: trucks into 12 partitions, the rate dial, and a pause that freezes everything", async ({ page }) => {
  await createTopic(page, "truck_position", 12);
  await page.getByTestId("speed-1").click();
  const play = page.getByTestId("clock-play");
  if ((await play.getAttribute("aria-pressed")) !== "true") await play.click();
  await page.getByTestId("drawer-tab-generators").click();
  await page.getByTestId("generator-kind-trucks").check();
  await page.getByTestId("generator-rate").fill("9"); // 1000 records/s
  await page.getByTestId("generator-start").click();
  const card = page.locator("[data-testid^=generator-gen-]").first();
  await expect(card).toBeVisible();
  await expect(page.getByTestId("rail-generators")).toContainText("truck positions");
  await expect.poll(async () => Number((await page.getByTestId("topic-item-truck_position").textContent())?.match(/· (\d+)/)?.[1] ?? 0), { timeout: 15_000 }).toBeGreaterThan(500);
  await expect(page.getByTestId("topic-rate-truck_position")).toBeVisible();
  await screenshotBothThemes(page, "generators");
  await expectAccessible(page, "generators drawer");

  // Pause: the engine freezes, so the generator stops producing too.
  await page.getByTestId("drawer-close").click();
  await play.click();
  await expect(play).toHaveAttribute("aria-pressed", "false");
  await page.waitForTimeout(300);
  const frozen = await page.evaluate(async () => (await window.__streamlab!.api.listTopics()).find((t) => t.name === "truck_position")!.records);
  await page.waitForTimeout(700);
  const still = await page.evaluate(async () => (await window.__streamlab!.api.listTopics()).find((t) => t.name === "truck_position")!.records);
  expect(still).toBe(frozen);

  // The truck lines are the demo's format, keyed by truck id.
  await page.getByTestId("view-tab-messages").click();
  await page.getByTestId("filter-run").click();
  const firstValue = page.getByTestId("message-table").locator("tbody tr").first().locator(".value-cell");
  await expect(firstValue).toHaveText(/^\d{13},10\d,\d+,\d{10},[A-Za-z ]+,\d+\.\d\d,-\d+\.\d\d,-?\d+$/);
  await screenshotBothThemes(page, "partitions-generators");
});

test("compaction: the K1…K6 example in two clicks leaves offsets 3, 4, 6, 8, 9, 10", async ({ page }) => {
  await pauseClock(page);
  await page.getByTestId("view-tab-compaction").click();
  await page.getByTestId("load-classic").click();
  await expect(page.getByTestId("topic-title")).toHaveText("customers");
  await expect(page.getByTestId("dirty-ratio-0")).toContainText("1.00");
  await page.getByTestId("clean-now").click();
  const after = page.getByTestId("after-tape-0");
  await expect(after.locator("[data-testid^=after-cell-]")).toHaveCount(6);
  for (const o of [3, 4, 6, 8, 9, 10]) await expect(after.getByTestId(`after-cell-${o}`)).toBeVisible();
  const before = page.getByTestId("before-tape-0");
  await expect(before.getByTestId("before-cell-0")).toContainText("superseded by offset 3");
  await expect(before.getByTestId("before-cell-1")).toContainText("superseded by offset 9");
  await expect(before.getByTestId("before-cell-7")).toContainText("superseded by offset 8");
  await expect(page.getByTestId("compaction-log")).toContainText("removed 5 records");
  await screenshotBothThemes(page, "compaction");
  await expectAccessible(page, "compaction view");

  // The tape shows the gaps too, and the table view the latest value per key.
  await page.getByTestId("view-tab-table").click();
  await expect(page.getByTestId("table-status")).toContainText("6 keys from 6 records");
  await expect(page.getByTestId("latest-K2")).toContainText("V10");
  await expect(page.getByTestId("latest-K1")).toContainText("V4");
  await screenshotBothThemes(page, "table");
  await expectAccessible(page, "table view");
});

test("retention: whole segments are deleted and the log start offset moves", async ({ page }) => {
  await pauseClock(page);
  await page.getByTestId("view-tab-compaction").click();
  await page.getByTestId("load-retention").click();
  await expect(page.getByTestId("topic-title")).toHaveText("page-views");
  await expect(page.getByTestId("retention-log-start-0")).toHaveText("0");
  await expect(page.getByTestId("retention-0")).toContainText("expires in");
  // Let 10 s of engine time pass: a hundred steps of 100 ms, typed.
  for (let i = 0; i < 60; i++) await page.keyboard.press(".");
  await expect(page.getByTestId("retention-0")).toContainText("expired: the next check deletes it");
  await page.getByTestId("run-retention").click();
  // Every segment expired, the active one included: Kafka rolls an empty one at the log end first.
  await expect(page.getByTestId("retention-log-start-0")).toHaveText("60");
  await expect(page.getByTestId("compaction-log")).toContainText("deleted segments 0, 20, 40; log start offset → 60");
  await expect(page.getByTestId("retention-0")).toContainText("empty active segment");
  await screenshotBothThemes(page, "retention");
  await expectAccessible(page, "retention view");
  await page.getByTestId("view-tab-partitions").click();
  await expect(page.getByTestId("tape-row-0").getByTestId("tape-log-start")).toHaveText("60");
  await screenshotBothThemes(page, "partitions-retention");
});

test("messages: filters by key, value, header, time and a JavaScript expression; re-produce a message", async ({ page }) => {
  await pauseClock(page);
  await createTopic(page, "payments-dlq", 2);
  await page.evaluate(async () => {
    // The workspace as another program left it: failed payments in a dead-letter topic.
    await window.__streamlab!.api.produceJson(
      "payments-dlq",
      Array.from({ length: 40 }, (_, i) => ({
        key: `order-${i}`,
        value: { orderId: `order-${i}`, amount: i * 10, currency: i % 2 ? "EUR" : "USD" },
        headers: { error: i % 5 === 0 ? "timeout" : "declined" },
        timestamp: 1_700_000_000_000 + i * 1000,
      })),
    );
  });
  await page.getByTestId("view-tab-messages").click();
  const rows = page.getByTestId("message-table").locator("tbody tr");
  await page.getByTestId("filter-run").click();
  await expect(rows).toHaveCount(40);

  await page.getByTestId("filter-key").fill("order-1");
  await page.getByTestId("filter-run").click();
  await expect(rows).toHaveCount(11); // order-1, order-10 … order-19

  await page.getByTestId("filter-key").fill("");
  await page.getByTestId("filter-header").fill("error=timeout");
  await page.getByTestId("filter-run").click();
  await expect(rows).toHaveCount(8);

  await page.getByTestId("filter-header").fill("");
  await page.getByTestId("filter-value").fill("eur");
  await page.getByTestId("filter-expression").fill("json.amount >= 300");
  await page.getByTestId("filter-run").click();
  await expect(rows).toHaveCount(5); // 310, 330, 350, 370, 390
  await expect(page.getByTestId("filter-status")).toContainText("5 matches in all 40 records");

  await page.getByTestId("filter-value").fill("");
  await page.getByTestId("filter-expression").fill("json.amount >");
  await page.getByTestId("filter-run").click();
  await expect(page.getByTestId("filter-error")).toContainText("does not parse");

  await page.getByTestId("filter-expression").fill("");
  const local = (ms: number) => {
    const d = new Date(ms);
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  };
  await page.getByTestId("filter-from").fill(local(1_700_000_000_000 + 10_000));
  await page.getByTestId("filter-to").fill(local(1_700_000_000_000 + 15_000));
  await page.getByTestId("filter-run").click();
  await expect(rows).toHaveCount(5);
  await screenshotBothThemes(page, "messages");
  await expectAccessible(page, "message browser");

  // Re-produce the first match, edited, into the same topic.
  const first = rows.first();
  const testId = (await first.getAttribute("data-testid"))!;
  const [, partition, offset] = testId.split("-");
  const header = (await first.locator("td").nth(5).textContent())!;
  expect(header).toMatch(/^error=(timeout|declined)$/);
  await page.getByTestId(`reproduce-${partition}-${offset}`).click();
  await expect(page.getByTestId("produce-value")).toHaveValue(/"amount":1[0-4]0/);
  await page.getByTestId("produce-value").fill('{"orderId":"order-10","amount":100,"currency":"USD","retried":true}');
  await page.getByTestId("produce-send").click();
  await expect(page.getByTestId("produce-result")).toContainText("Acknowledged");
  await page.getByTestId("filter-from").fill("");
  await page.getByTestId("filter-to").fill("");
  await page.getByTestId("filter-expression").fill("json.retried === true");
  await page.getByTestId("filter-run").click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(header);
});

test("topic configs dialog explains Kafka's configs and alters them", async ({ page }) => {
  await createTopic(page, "events", 1, { "cleanup.policy": "compact", "segment.bytes": "65536" });
  await page.getByTestId("topic-configs").click();
  const dialog = page.getByTestId("topic-config-dialog");
  await expect(dialog.getByTestId("config-cleanup.policy")).toContainText("compact");
  await expect(dialog.getByTestId("config-min.cleanable.dirty.ratio")).toContainText(/dirty/i);
  await dialog.getByRole("textbox", { name: "retention.ms", exact: true }).fill("60000");
  await dialog.getByTestId("config-save").click();
  await expect(dialog.getByTestId("config-retention.ms")).toContainText("set");
  await screenshotBothThemes(page, "topic-configs");
  await expectAccessible(page, "topic configs dialog");
});

test("import a CSV file and reset the workspace", async ({ page }) => {
  await createTopic(page, "trucks", 2);
  await page.getByTestId("drawer-tab-import").click();
  const csv = ["truckId,driverId,eventType,latitude,longitude", "101,31,Normal,37.31,-94.31", "102,12,Overspeed,38.10,-90.21", "101,31,Normal,37.33,-94.30"].join("\n");
  await page.getByTestId("import-file").setInputFiles({ name: "trucks.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await expect(page.getByTestId("import-status")).toContainText("3 rows (csv)");
  await page.getByTestId("import-key-field").selectOption("truckId");
  await page.getByTestId("import-run").click();
  await expect(page.getByTestId("import-status")).toContainText("Imported 3 records into trucks");
  await screenshotBothThemes(page, "import");
  await expectAccessible(page, "import drawer");
  await page.getByTestId("drawer-close").click();
  await page.getByTestId("view-tab-table").click();
  await expect(page.getByTestId("table-status")).toContainText("2 keys from 3 records");
  await expect(page.getByTestId("latest-101")).toContainText("37.33");

  await page.getByTestId("reset-workspace").click();
  await expect(page.getByTestId("reset-dialog")).toContainText("cannot be undone");
  await page.getByTestId("reset-confirm").click();
  await expect(page.getByTestId("topic-list-empty")).toBeVisible();
  await expect(page.getByTestId("topic-item-trucks")).toHaveCount(0);
});

test("reduced motion: the tape still shows new records, highlighted instead of sliding in", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.reload();
  await expect(page.getByTestId("app")).toHaveAttribute("data-state", "ready", { timeout: 20_000 });
  await pauseClock(page);
  await createTopic(page, "sensors", 2);
  await page.getByTestId("drawer-tab-produce").click();
  await page.getByTestId("produce-count").fill("40");
  await page.getByTestId("produce-submit").click();
  await expect(page.getByTestId("produce-status")).toHaveAttribute("data-finished", "true");
  await page.getByTestId("drawer-close").click();
  const hw = async (p: number) => Number(await page.getByTestId(`tape-row-${p}`).getByTestId("tape-hw").textContent());
  await expect.poll(async () => (await hw(0)) + (await hw(1))).toBe(40);
  await expect(page.getByTestId("tape-info")).toHaveAttribute("data-mode", "labelled");
  await page.screenshot({ path: "e2e/screenshots/partitions-reduced-motion-light.png" });
});
