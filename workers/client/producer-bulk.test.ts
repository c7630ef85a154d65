import { describe, expect, it } from "vitest";
import { Broker } from "../broker/broker";
import { batchesIn, decodeRecords, isControl } from "../log/record-batch";
import { resolveProducerConfig } from "../protocol/client-config";
import { isKafkaError } from "../protocol/errors";
import { VirtualClock } from "../runtime/clock";
import { SeededRandom } from "../runtime/random";
import { VirtualScheduler } from "../runtime/scheduler";
import { MemoryStorage } from "../storage/memory-storage";
import { ProducerCore, type ProduceTransport } from "./producer-core";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

async function world(config: Record<string, string | number | boolean> = {}, failProduce = false) {
  const scheduler = new VirtualScheduler(new VirtualClock(1_000));
  const broker = await Broker.start({ storage: new MemoryStorage(), scheduler });
  await broker.createTopic({ name: "out", partitions: 2 });
  const transport: ProduceTransport = {
    partitionCount: (t) => broker.partitionCount(t),
    produce: (t, p, b) => (failProduce ? Promise.reject(new Error("the broker went away")) : broker.produce(t, p, b)),
    initProducerId: (r) => broker.initProducerId(r),
    transactions: {
      addPartitionsToTxn: (id, pid, epoch, partitions) => broker.addPartitionsToTxn(id, pid, epoch, partitions),
      addOffsetsToTxn: (id, pid, epoch, commit) => broker.addOffsetsToTxn(id, pid, epoch, commit),
      endTxn: (id, pid, epoch, commit) => broker.endTxn(id, pid, epoch, commit),
    },
  };
  const producer = new ProducerCore(transport, scheduler, new SeededRandom(3), resolveProducerConfig(config));
  const read = async (partition: number) => {
    const data = await broker.fetch("out", partition, 0, 1 << 20);
    const out: Array<[string | null, string | null, number]> = [];
    for (const { pos, header } of batchesIn(data.bytes)) {
      if (isControl(header)) continue;
      for (const r of decodeRecords(data.bytes, pos)) out.push([dec(r.key), dec(r.value), r.timestamp]);
    }
    return out;
  };
  return { producer, read };
}

describe("ProducerCore.sendBulk (no promise per record)", () => {
  it("writes each partition's records in order, with their timestamps, once flushed", async () => {
    const { producer, read } = await world({ "linger.ms": 100 });
    await producer.sendBulk("out", [
      { key: enc("a"), value: enc("1"), timestamp: 10, headers: [], partition: 1 },
      { key: enc("b"), value: enc("2"), timestamp: 11, headers: [], partition: 0 },
      { key: enc("c"), value: enc("3"), partition: 1 },
    ]);
    expect(await read(1)).toEqual([]);
    await producer.flush();
    expect(await read(0)).toEqual([["b", "2", 11]]);
    // A record without a timestamp gets the clock's time, as with send.
    expect(await read(1)).toEqual([
      ["a", "1", 10],
      ["c", "3", 1_000],
    ]);
  });

  it("a batch the broker refuses fails the next flush", async () => {
    const { producer } = await world({}, true);
    await producer.sendBulk("out", [{ key: enc("a"), value: enc("1"), partition: 0 }]);
    await expect(producer.flush()).rejects.toThrow("the broker went away");
    // Reported once: the flush after it has nothing left to report.
    await expect(producer.flush()).resolves.toBeUndefined();
  });

  it("checks what send checks: record size, partition, and an open transaction", async () => {
    const { producer } = await world({ "max.request.size": 1024 });
    await expect(producer.sendBulk("out", [{ key: null, value: new Uint8Array(2000), partition: 0 }])).rejects.toSatisfy((e) => isKafkaError(e, "RECORD_TOO_LARGE"));
    await expect(producer.sendBulk("out", [{ key: null, value: enc("x"), partition: 5 }])).rejects.toSatisfy((e) => isKafkaError(e, "UNKNOWN_TOPIC_OR_PARTITION"));
    const txn = await world({ "transactional.id": "t1" });
    await txn.producer.initTransactions();
    await expect(txn.producer.sendBulk("out", [{ key: null, value: enc("x"), partition: 0 }])).rejects.toSatisfy((e) => isKafkaError(e, "ILLEGAL_STATE"));
    txn.producer.beginTransaction();
    await txn.producer.sendBulk("out", [{ key: null, value: enc("x"), partition: 0 }]);
    await txn.producer.commitTransaction();
    expect(await txn.read(0)).toEqual([[null, "x", 1_000]]);
  });
});
