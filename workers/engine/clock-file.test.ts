import { describe, expect, it } from "vitest";
import { CLOCK_FILE, ClockFile } from "./clock-file";
import { MemoryStorage } from "../storage/memory-storage";

describe("ClockFile", () => {
  it("stores the virtual time across close and reopen", async () => {
    const storage = new MemoryStorage();
    const a = await ClockFile.open(storage);
    expect(a.read()).toBeUndefined();
    a.write(1_736_933_400_123);
    a.close();
    const b = await ClockFile.open(storage);
    expect(b.read()).toBe(1_736_933_400_123);
    b.close();
  });

  it("reads a torn or foreign file as no time stored", async () => {
    const storage = new MemoryStorage();
    const f = await storage.open(CLOCK_FILE, { create: true });
    f.write(0, Uint8Array.of(0x53, 0x4c, 0x43, 0x4b, 0, 0, 0, 1, 0x41)); // magic, version, then cut off
    f.close();
    const torn = await ClockFile.open(storage);
    expect(torn.read()).toBeUndefined();
    torn.close();
    const g = await storage.open(CLOCK_FILE);
    g.write(0, new TextEncoder().encode("{\"not\":\"a clock\"}"));
    g.close();
    const foreign = await ClockFile.open(storage);
    expect(foreign.read()).toBeUndefined();
    foreign.close();
  });
});
