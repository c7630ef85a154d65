import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, screenshotBothThemes } from "./support/workbench";

// The SQL tab as a presenter uses it on the first world (the clicks topic, fed by a
// generator): statements typed and run, completion of the columns, a push query's grid
// growing, a pull query's table, EXPLAIN opening the query's topology, and an error marked
// on its line. Every check reads the screen.

test.describe.configure({ timeout: 180_000 });

async function openSqlTab(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto("./");
  await expect(page.getByTestId("app")).toHaveAttribute("data-state", "ready", { timeout: 20_000 });
  await page.getByTestId("first-world-dismiss").click();
  await page.getByTestId("drawer-tab-editor").click();
  await page.getByTestId("editor-mode-sql").click();
  await expect(page.locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
}

/** Replaces the editor's text, as a paste would (no auto-closed quotes or brackets). */
async function setText(page: Page, text: string): Promise<void> {
  await page.locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

async function run(page: Page): Promise<void> {
  const before = await page.getByTestId("sql-results").count();
  await page.getByTestId("sql-run").click();
  await expect(page.getByTestId("sql-run")).toHaveText("Run", { timeout: 60_000 });
  if (before === 0) await expect(page.getByTestId("sql-results").or(page.getByTestId("sql-error")).first()).toBeVisible();
}

/** The count in a push grid's "N rows (newest last)". */
async function pushRows(page: Page): Promise<number> {
  const text = (await page.getByTestId("sql-push").locator(".quiet").first().textContent()) ?? "";
  return Number(/(\d+) rows/.exec(text)?.[1] ?? Number.NaN);
}

test("SQL tab: highlighting, column completion, a live push grid, a pull table, EXPLAIN opens the topology", async ({ page }) => {
  await openSqlTab(page);

  // ksqlDB's own keywords are highlighted as keywords, not left as plain identifiers.
  await expect(page.locator(".view-lines")).toContainText("EMIT CHANGES");
  const tokenClass = (word: string) => page.locator(".view-lines span", { hasText: new RegExp(`^${word}$`) }).first().getAttribute("class");
  const keywordClass = await tokenClass("SELECT");
  expect(keywordClass).toBeTruthy();
  expect(await tokenClass("EMIT")).toBe(keywordClass);
  expect(await tokenClass("TUMBLING")).toBe(keywordClass);
  const identifierClass = await page.locator(".view-lines span", { hasText: /clicks_s/ }).first().getAttribute("class");
  expect(identifierClass).not.toBe(keywordClass);

  await setText(
    page,
    [
      "CREATE STREAM clicks_s (userId VARCHAR KEY, page VARCHAR, action VARCHAR) WITH (kafka_topic='clicks', value_format='JSON');",
      "SET 'auto.offset.reset'='earliest';",
      "CREATE TABLE views_per_page AS SELECT page, COUNT(*) AS views FROM clicks_s GROUP BY page;",
      "",
    ].join("\n"),
  );
  await run(page);
  await expect(page.getByTestId("sql-result")).toHaveCount(3, { timeout: 60_000 });
  await expect(page.getByTestId("sql-result").nth(0)).toContainText("Stream created");
  await expect(page.getByTestId("sql-result").nth(2)).toContainText(/Created query with ID CTAS_VIEWS_PER_PAGE_\d+/);
  const queryId = /CTAS_VIEWS_PER_PAGE_\d+/.exec((await page.getByTestId("sql-result").nth(2).textContent()) ?? "")![0];

  // Completion: after an alias and a dot, that source's columns.
  await page.locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.insertText("SELECT c. FROM clicks_s c");
  await page.keyboard.press("Home");
  for (let i = 0; i < "SELECT c.".length; i++) await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Control+Space");
  const suggest = page.locator(".suggest-widget");
  await expect(suggest).toBeVisible();
  await expect(suggest.locator(".monaco-list-row")).toHaveCount(3);
  await expect(suggest).toContainText("USERID");
  await expect(suggest).toContainText("PAGE");
  await expect(suggest).toContainText("ACTION");
  // Choosing one puts it in the text.
  await suggest.locator(".monaco-list-row", { hasText: "PAGE" }).click();
  await expect(page.locator(".view-lines")).toContainText("SELECT c.PAGE FROM clicks_s c");

  // A pull query answers with a table of the current counts.
  await setText(page, "SELECT page, views FROM views_per_page;");
  await expect(async () => {
    await run(page);
    const rows = page.getByTestId("sql-rows").locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
  }).toPass({ timeout: 60_000 });
  await expect(page.getByTestId("sql-rows").locator("thead")).toContainText("PAGE");
  await expect(page.getByTestId("sql-rows").locator("thead")).toContainText("VIEWS");

  // A push query's grid grows while clicks arrive.
  await setText(page, "SELECT page, views FROM views_per_page EMIT CHANGES;");
  await run(page);
  await expect(page.getByTestId("sql-push-state")).toHaveText("RUNNING", { timeout: 30_000 });
  await expect.poll(() => pushRows(page), { timeout: 60_000 }).toBeGreaterThan(0);
  const first = await pushRows(page);
  await expect.poll(() => pushRows(page), { timeout: 60_000 }).toBeGreaterThan(first);
  await screenshotBothThemes(page, "sql-tab-push");
  await page.getByTestId("sql-push-cancel").click();
  await expect(page.getByTestId("sql-push-state")).toHaveText(/CANCELLED|DONE/);

  // EXPLAIN prints the plan and opens the query's topology.
  await setText(page, `EXPLAIN ${queryId};`);
  await run(page);
  await expect(page.getByTestId("sql-result")).toContainText("Execution plan");
  await expect(page.getByTestId("view-tab-topology")).toHaveAttribute("aria-selected", "true", { timeout: 30_000 });
  await expect(page.getByTestId("topology-view")).toBeVisible();
  await expect(page.getByTestId(`app-tab-_confluent-ksql-default_query_${queryId}`)).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("topology-graph")).toContainText("Aggregate-Aggregate");
  await screenshotBothThemes(page, "sql-tab-explain");
  await expectAccessible(page, "SQL tab with EXPLAIN");
});

test("SQL tab: a statement that fails is marked on its own line, and nothing after it runs", async ({ page }) => {
  await openSqlTab(page);
  await setText(
    page,
    [
      // No indentation: the editor would carry it to the next lines.
      "CREATE STREAM clicks_s (userId VARCHAR KEY, page VARCHAR, action VARCHAR)",
      "WITH (kafka_topic='clicks', value_format='JSON');",
      "",
      "CREATE STREAM home AS SELECT * FROM clicks_s",
      "WHERE pagee = '/home';",
      "SHOW STREAMS;",
    ].join("\n"),
  );
  await run(page);
  await expect(page.getByTestId("sql-error")).toContainText("line 5:7 — WHERE column 'PAGEE' cannot be resolved.");
  await expect(page.getByTestId("sql-result")).toHaveCount(1);
  await expect(page.getByTestId("sql-result")).toContainText("Stream created");
  // The squiggle sits on line 5, the line that names the unknown column.
  const squiggle = page.locator(".view-overlays .squiggly-error").first();
  await expect(squiggle).toBeVisible();
  const line5 = page.locator(".view-lines .view-line", { hasText: "WHERE pagee" });
  const top = async (l: typeof squiggle) => Number((await l.evaluate((el) => getComputedStyle(el.closest("div[style*='top']") ?? el).top)).replace("px", ""));
  expect(await top(squiggle)).toBe(await top(line5));
  await page.locator(".view-lines").hover();
  await screenshotBothThemes(page, "sql-tab-error");
});
