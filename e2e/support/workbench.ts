import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** Open the workbench at a projector's 1280×720 and wait until this tab's broker runs. */
export async function openWorkbench(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto("./");
  await expect(page.getByTestId("app")).toHaveAttribute("data-state", "ready", { timeout: 20_000 });
  await page.waitForFunction(() => window.__streamlab !== undefined);
  // A new workspace starts the first world's stream application in the background. A reset
  // while an application runs fails today (its internal topics' files are still open when
  // the workspace directory is removed), so the application is stopped first, as a user
  // could in the topology view.
  await page.evaluate(async () => {
    const api = window.__streamlab!.api;
    for (let i = 0; i < 50; i++) {
      const apps = await api.describeApplications();
      if (apps.length > 0 && apps.every((a) => a.state !== "CREATED")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const a of await api.describeApplications()) if (a.state !== "NOT_RUNNING") await api.stopApplication(a.applicationId);
  });
}

/** Start from an empty workspace through the UI, as a user would. */
export async function resetThroughUi(page: Page): Promise<void> {
  await page.getByTestId("reset-workspace").click();
  await page.getByTestId("reset-confirm").click();
  await expect(page.getByTestId("reset-dialog")).toHaveCount(0, { timeout: 20_000 });
  const failure = (await page.getByTestId("action-error").count()) > 0 ? await page.getByTestId("action-error").textContent() : null;
  expect(failure, "the workspace reset failed").toBeNull();
  await expect(page.getByTestId("topic-list-empty")).toBeVisible();
  // The new workspace starts its background work (stream applications) right after the
  // reset: wait until the engine answers calls again before acting on it.
  await expect
    .poll(() => page.evaluate(() => window.__streamlab!.api.listTopics().then(() => "ready", (e: Error) => e.message)), { timeout: 20_000 })
    .toBe("ready");
  const dismiss = page.getByTestId("action-error").getByRole("button", { name: "Dismiss" });
  if (await dismiss.isVisible()) await dismiss.click();
}

export async function pauseClock(page: Page): Promise<void> {
  const play = page.getByTestId("clock-play");
  await expect(async () => {
    if ((await play.getAttribute("aria-pressed")) === "true") await play.click();
    await expect(play).toHaveAttribute("aria-pressed", "false", { timeout: 2000 });
  }).toPass({ timeout: 20_000 });
}

export async function createTopic(page: Page, name: string, partitions: number, config: Record<string, string> = {}): Promise<void> {
  await page.getByTestId("new-topic").click();
  const dialog = page.getByTestId("create-topic-dialog");
  await dialog.getByTestId("create-topic-name").fill(name);
  await dialog.getByTestId("create-topic-partitions").fill(String(partitions));
  for (const [k, v] of Object.entries(config)) {
    if (k === "cleanup.policy") await dialog.getByTestId("create-topic-cleanup").selectOption(v);
    else await dialog.getByTestId(`create-topic-${k.replace(/\./g, "-")}`).fill(v);
  }
  await dialog.getByTestId("create-topic-submit").click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId(`topic-item-${name}`)).toBeVisible();
  await expect(page.getByTestId("topic-title")).toHaveText(name);
}

/** Both themes of the current screen, into e2e/screenshots/, and back to the light one. */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  for (const theme of ["light", "dark"] as const) {
    await setTheme(page, theme);
    // Let the canvas redraw in the new colours.
    await page.waitForTimeout(150);
    await page.screenshot({ path: `e2e/screenshots/${name}-${theme}.png` });
  }
  await setTheme(page, "light");
}

/** The theme toggle, or (while a dialog makes the page inert) the same store action. */
async function setTheme(page: Page, theme: "light" | "dark"): Promise<void> {
  if ((await page.getByTestId("app").getAttribute("data-theme")) === theme) return;
  if ((await page.locator("dialog[open]").count()) > 0) await page.evaluate((t) => window.__streamlab!.setTheme(t), theme);
  else await page.getByTestId("theme-toggle").click();
  await expect(page.getByTestId("app")).toHaveAttribute("data-theme", theme);
}

/** axe-core over the page in both themes: no WCAG A/AA violations. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  for (const theme of ["light", "dark"] as const) {
    await setTheme(page, theme);
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 4).join(" | ")}`);
    expect(summary, `${label}, ${theme} theme`).toEqual([]);
  }
  await setTheme(page, "light");
}
