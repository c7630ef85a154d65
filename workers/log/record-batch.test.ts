import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { crc32c } from "./crc32c";
import { readVarint, sizeOfVarint, writeVarint } from "./varint";
import {
  batchesIn,
  decodeControlRecord,
  decodeRecords,
  encodeBatch,
  encodeControlBatch,
  hasDeleteHorizon,
  isControl,
  isTransactional,
  readBatchHeader,
  setBaseOffset,
  stampLogAppendTime,
  timestampType,
  tryValidateBatch,
  utf8,
  validateBatch,
} from "./record-batch";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("varint", () => {
  // The table from the reference (verified against kafka-python's encode_varint).
  const cases: Array<[number, string]> = [
    [0, "00"], [-1, "01"], [1, "02"], [-2, "03"], [63, "7e"], [-64, "7f"], [64, "8001"],
    [150, "ac02"], [-1000, "cf0f"], [2147483647, "feffffff0f"], [-2147483648, "ffffffff0f"],
  ];
  it.each(cases)("encodes %d as %s and back", (n, expected) => {
    const buf = new Uint8Array(10);
    const end = writeVarint(buf, 0, n);
    expect(hex(buf.subarray(0, end))).toBe(expected);
    expect(sizeOfVarint(n)).toBe(end);
    const cursor = { pos: 0 };
    expect(readVarint(buf, cursor)).toBe(n);
    expect(cursor.pos).toBe(end);
  });

  it("round-trips integers up to 2^52 (zigzag doubles them)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), (n) => {
        const buf = new Uint8Array(10);
        const end = writeVarint(buf, 0, n);
        const cursor = { pos: 0 };
        return readVarint(buf, cursor) === n && cursor.pos === end && sizeOfVarint(n) === end;
      }),
      { seed: 20261122, numRuns: 2000 },
    );
  });

  it("rejects a truncated varint", () => {
    expect(() => readVarint(new Uint8Array([0x80, 0x80]), { pos: 0 })).toThrow(/past the end/);
  });
});

describe("crc32c", () => {
  it("matches the Castagnoli check value", () => {
    expect(crc32c(utf8("123456789"))).toBe(0xe3069283);
  });
  it("agrees between the sliced and the byte-wise paths", () => {
    const data = utf8("The quick brown fox jumps over the lazy dog, many times over.");
    expect(crc32c(data, 3, 40)).toBe(crc32c(data.slice(3, 40)));
  });
});

describe("record batch v2", () => {
  // The worked batch from KAFKA-SEMANTICS.md 1.1, built by kafka-python 2.0.2, except that
  // kafka-python writes partitionLeaderEpoch 0 where the Java producer writes -1 (not in the CRC).
  const expected =
    "0000000000000000" + "00000045" + "00000000" + "02" + "f70be801" + "0000" + "00000001" +
    "0000018bcfe56800" + "0000018bcfe56805" + "ffffffffffffffff" + "ffff" + "ffffffff" + "00000002" +
    "14000000044b3104563100" + "10000a02044b320100";

  it("encodes the reference batch byte for byte", () => {
    const batch = encodeBatch({
      partitionLeaderEpoch: 0,
      records: [
        { key: utf8("K1"), value: utf8("V1"), timestamp: 1700000000000 },
        { key: utf8("K2"), value: null, timestamp: 1700000000005 },
      ],
    });
    expect(batch.length).toBe(81);
    expect(hex(batch)).toBe(expected);
  });

  it("decodes the reference batch", () => {
    const buf = new Uint8Array(Buffer.from(expected, "hex"));
    const h = validateBatch(buf);
    expect(h).toMatchObject({ baseOffset: 0, batchLength: 69, magic: 2, crc: 0xf70be801, lastOffsetDelta: 1, recordsCount: 2, producerId: -1 });
    const records = decodeRecords(buf);
    expect(records.map((r) => [r.offset, r.timestamp, r.key && Buffer.from(r.key).toString(), r.value && Buffer.from(r.value).toString()])).toEqual([
      [0, 1700000000000, "K1", "V1"],
      [1, 1700000000005, "K2", null],
    ]);
  });

  it("detects a flipped byte and a torn batch", () => {
    const good = new Uint8Array(Buffer.from(expected, "hex"));
    const flipped = good.slice();
    flipped[70] = flipped[70]! ^ 0xff;
    expect(() => validateBatch(flipped)).toThrow(/CORRUPT_MESSAGE.*CRC mismatch/);
    expect(tryValidateBatch(flipped)).toBeUndefined();
    expect(tryValidateBatch(good.subarray(0, 70))).toBeUndefined();
    expect(() => validateBatch(good.subarray(0, 70))).toThrow(/truncated/);
  });

  it("keeps the CRC valid when the broker stamps the base offset", () => {
    const buf = encodeBatch({ records: [{ key: null, value: utf8("v"), timestamp: 5 }] });
    setBaseOffset(buf, 0, 368769);
    expect(validateBatch(buf).baseOffset).toBe(368769);
    expect(decodeRecords(buf)[0]!.offset).toBe(368769);
  });

  it("switches to LogAppendTime with a fresh CRC", () => {
    const buf = encodeBatch({ records: [{ key: null, value: utf8("v"), timestamp: 5 }] });
    stampLogAppendTime(buf, 0, 9999);
    const h = validateBatch(buf);
    expect(timestampType(h)).toBe("LogAppendTime");
    expect(h.maxTimestamp).toBe(9999);
    // Consumers see the broker's time on every record, as Kafka's do.
    expect(decodeRecords(buf)[0]!.timestamp).toBe(9999);
  });

  it("round-trips headers, producer fields, gaps and a delete horizon", () => {
    const buf = encodeBatch({
      baseOffset: 100,
      producerId: 7,
      producerEpoch: 2,
      baseSequence: 40,
      transactional: true,
      deleteHorizonMs: 5000,
      lastOffsetDelta: 9,
      records: [
        { key: utf8("a"), value: utf8("1"), timestamp: 1000, offsetDelta: 3, headers: [{ key: "trace", value: utf8("x") }, { key: "n", value: null }] },
        { key: utf8("b"), value: null, timestamp: 900, offsetDelta: 8 },
      ],
    });
    const h = validateBatch(buf);
    expect(isTransactional(h)).toBe(true);
    expect(hasDeleteHorizon(h)).toBe(true);
    expect(h).toMatchObject({ baseOffset: 100, lastOffsetDelta: 9, producerId: 7, producerEpoch: 2, baseSequence: 40, baseTimestamp: 5000, maxTimestamp: 1000 });
    const [a, b] = decodeRecords(buf);
    expect(a).toMatchObject({ offset: 103, timestamp: 1000 });
    expect(a!.headers.map((x) => [x.key, x.value && Buffer.from(x.value).toString()])).toEqual([["trace", "x"], ["n", null]]);
    expect(b).toMatchObject({ offset: 108, timestamp: 900, value: null });
  });

  it("encodes transaction markers", () => {
    const buf = encodeControlBatch({ type: "COMMIT", producerId: 3, producerEpoch: 1, coordinatorEpoch: 4, timestamp: 77, baseOffset: 12 });
    const h = validateBatch(buf);
    expect(isControl(h) && isTransactional(h)).toBe(true);
    expect(decodeControlRecord(decodeRecords(buf)[0]!)).toEqual({ type: "COMMIT", coordinatorEpoch: 4 });
  });

  it("walks concatenated batches and stops at a torn tail", () => {
    const a = encodeBatch({ records: [{ key: null, value: utf8("a"), timestamp: 1 }] });
    const b = encodeBatch({ baseOffset: 1, records: [{ key: null, value: utf8("b"), timestamp: 2 }] });
    const all = new Uint8Array(a.length + b.length + 10);
    all.set(a, 0);
    all.set(b, a.length);
    all.set(b.subarray(0, 10), a.length + b.length);
    expect([...batchesIn(all)].map((x) => [x.pos, x.header.baseOffset])).toEqual([[0, 0], [a.length, 1]]);
    expect(readBatchHeader(all, a.length).baseOffset).toBe(1);
  });

  it("round-trips arbitrary records (property)", () => {
    const bytes = fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null });
    const record = fc.record({
      key: bytes,
      value: bytes,
      timestamp: fc.integer({ min: 0, max: 4_000_000_000_000 }),
      headers: fc.array(fc.record({ key: fc.string({ maxLength: 8 }), value: bytes }), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 2 ** 40 }), (records, base) => {
        const buf = encodeBatch({ baseOffset: base, records });
        const h = validateBatch(buf);
        const out = decodeRecords(buf);
        expect(h.recordsCount).toBe(records.length);
        expect(h.maxTimestamp).toBe(Math.max(...records.map((r) => r.timestamp)));
        out.forEach((r, i) => {
          const want = records[i]!;
          expect(r.offset).toBe(base + i);
          expect(r.timestamp).toBe(want.timestamp);
          expect(r.key && [...r.key]).toEqual(want.key && [...want.key]);
          expect(r.value && [...r.value]).toEqual(want.value && [...want.value]);
          expect(r.headers.map((x) => [x.key, x.value && [...x.value]])).toEqual(want.headers.map((x) => [x.key, x.value && [...x.value]]));
        });
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
