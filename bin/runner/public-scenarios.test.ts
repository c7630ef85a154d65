/**
 * Every scenario shipped in public/scenarios is a teaching story and a test: it must be
 * valid, run to the end, and produce exactly what its `expect` says.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli";

const dir = join(import.meta.dirname, "../../public/scenarios");
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();

describe("public scenarios", () => {
  it("exist", () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files)("%s runs and passes --check", async (file) => {
    const scenario = JSON.parse(readFileSync(join(dir, file), "utf8")) as { expect?: unknown; name?: string; description?: string };
    expect(scenario.expect, `${file} has an expect block`).toBeDefined();
    expect(scenario.name && scenario.description, `${file} has a name and a description`).toBeTruthy();
    let stderr = "";
    const code = await main(["run", join(dir, file), "--check"], { stdout: () => {}, stderr: (t) => (stderr += t) });
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
