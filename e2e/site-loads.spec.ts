import { expect, test } from "@playwright/test";

// The built site, served as plain static files, boots without errors: relative asset URLs
// (base "./"), module scripts served with a JavaScript MIME type, and the app mounted.
test("the built workbench boots with no page errors and no failed requests", async ({ page }) => {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));

  await page.goto("./");
  await expect(page).toHaveTitle(/streamlab/);
  await expect(page.locator("#root")).toContainText("streamlab");
  expect(problems).toEqual([]);
});
