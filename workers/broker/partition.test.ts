import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../storage/memory-storage";
import { VirtualClock } from "../runtime/clock";
import { encodeBatch, utf8 } from "../log/record-batch";
import { logConfig } from "../log/log-config";
import { PartitionLog } from "../log/partition-log";
import { isKafkaError } from "../protocol/errors";
import { resolveTopicConfig } from "../protocol/topic-config";
import { Partition } from "./partition";

async function openPartition(): Promise<Partition> {
  const log = await PartitionLog.open(new MemoryStorage(), "t-0", logConfig(), new VirtualClock(1_000_000));
  return Partition.load("t", 0, log, resolveTopicConfig("t", {}));
}

function batch(values: string[]): Uint8Array {
  return encodeBatch({ records: values.map((v) => ({ key: utf8(`k${v}`), value: utf8(v), timestamp: 1_000_000 })) });
}

describe("Partition.append", () => {
  it("refuses a batch with a bad CRC (checked once, by the partition) and appends nothing of it", async () => {
    const p = await openPartition();
    await p.append(batch(["a", "b"]), 1_000_000);
    const bad = batch(["c"]);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    let caught: unknown;
    try {
      await p.append(bad, 1_000_000);
    } catch (e) {
      caught = e;
    }
    expect(isKafkaError(caught) && caught.type).toBe("CORRUPT_MESSAGE");
    expect((caught as Error).message).toMatch(/CRC mismatch/);
    expect(p.logEndOffset).toBe(2);
    const ok = await p.append(batch(["d"]), 1_000_000);
    expect([ok.baseOffset, ok.lastOffset, ok.recordCount]).toEqual([2, 2, 1]);
  });
});
