import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../storage/memory-storage";
import { CLEANER_CHECKPOINT_FILE, CleanerCheckpoint } from "./cleaner-checkpoint";
import { isKafkaError } from "../protocol/errors";

async function fileText(storage: MemoryStorage, path: string): Promise<string> {
  const f = await storage.open(path);
  try {
    return new TextDecoder().decode(f.read(0, f.size()));
  } finally {
    f.close();
  }
}

describe("CleanerCheckpoint", () => {
  it("is undefined before the first clean, then persists in Kafka's checkpoint format", async () => {
    const storage = new MemoryStorage();
    await storage.mkdir("my-topic-3");
    const cp = new CleanerCheckpoint(storage, "my-topic-3");
    expect(await cp.read()).toBeUndefined();
    await cp.write(1234);
    expect(await fileText(storage, `my-topic-3/${CLEANER_CHECKPOINT_FILE}`)).toBe("0\n1\nmy-topic 3 1234\n");
    expect(await storage.list("my-topic-3")).toEqual([CLEANER_CHECKPOINT_FILE]);
    // A fresh instance (a restart) reads it back.
    expect(await new CleanerCheckpoint(storage, "my-topic-3").read()).toBe(1234);
    await cp.write(2000);
    expect(await new CleanerCheckpoint(storage, "my-topic-3").read()).toBe(2000);
    await cp.truncateTo(2500);
    expect(await cp.read()).toBe(2000);
    await cp.truncateTo(1500);
    expect(await new CleanerCheckpoint(storage, "my-topic-3").read()).toBe(1500);
    await cp.clear();
    expect(await new CleanerCheckpoint(storage, "my-topic-3").read()).toBeUndefined();
  });

  it("reports a malformed file as a storage error naming it", async () => {
    const storage = new MemoryStorage();
    const f = await storage.open(`t-0/${CLEANER_CHECKPOINT_FILE}`, { create: true });
    f.write(0, new TextEncoder().encode("0\n1\nt 0 banana\n"));
    f.close();
    const err = await new CleanerCheckpoint(storage, "t-0").read().catch((e: unknown) => e);
    expect(isKafkaError(err, "KAFKA_STORAGE_ERROR")).toBe(true);
    expect(String(err)).toContain("cleaner-offset-checkpoint");
  });

  it("refuses a directory that is not <topic>-<partition>", () => {
    expect(() => new CleanerCheckpoint(new MemoryStorage(), "nopartition")).toThrow(/<topic>-<partition>/);
  });
});
