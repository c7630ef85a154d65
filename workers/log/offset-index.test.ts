import { describe, it, expect } from "vitest";
import { OffsetIndex } from "./offset-index";
import { TimeIndex } from "./time-index";

describe("OffsetIndex", () => {
  it("finds the greatest entry at or below an offset, and (base, 0) below the first", () => {
    const index = new OffsetIndex(100, 1024);
    index.append(105, 400);
    index.append(110, 900);
    index.append(130, 2000);
    expect(index.lookup(99)).toEqual({ offset: 100, position: 0 });
    expect(index.lookup(104)).toEqual({ offset: 100, position: 0 });
    expect(index.lookup(105)).toEqual({ offset: 105, position: 400 });
    expect(index.lookup(129)).toEqual({ offset: 110, position: 900 });
    expect(index.lookup(1_000_000)).toEqual({ offset: 130, position: 2000 });
    expect(index.lastOffset()).toBe(130);
  });

  it("writes Kafka's layout: int32 relative offset, int32 position, big-endian", () => {
    const index = new OffsetIndex(368769, 1024);
    index.append(368769 + 3, 0x0102);
    index.append(368769 + 0x10000, 0x0a0b0c);
    expect([...index.encode()]).toEqual([0, 0, 0, 3, 0, 0, 1, 2, 0, 1, 0, 0, 0, 0x0a, 0x0b, 0x0c]);
    const back = OffsetIndex.decode(368769, index.encode(), 1024);
    expect(back).toBeInstanceOf(OffsetIndex);
    expect((back as OffsetIndex).entry(1)).toEqual({ offset: 368769 + 0x10000, position: 0x0a0b0c });
  });

  it("rejects non-increasing offsets, overflowing offsets and appends to a full index", () => {
    const index = new OffsetIndex(0, 16);
    expect(index.maxEntries).toBe(2);
    index.append(5, 10);
    expect(() => index.append(5, 20)).toThrow(/not above/);
    expect(() => index.append(2 ** 31, 20)).toThrow(/does not fit/);
    index.append(6, 20);
    expect(index.isFull()).toBe(true);
    expect(() => index.append(7, 30)).toThrow(/full/);
  });

  it("truncates entries at and above an offset or a position", () => {
    const index = new OffsetIndex(0, 1024);
    for (let i = 1; i <= 5; i++) index.append(i * 10, i * 100);
    index.truncateTo(30);
    expect(index.entries).toBe(2);
    expect(index.lastOffset()).toBe(20);
    index.truncateToPosition(200);
    expect(index.entries).toBe(1);
    index.append(15, 150);
    expect(index.lookup(16)).toEqual({ offset: 15, position: 150 });
  });

  it("reports corrupt index bytes instead of loading them", () => {
    expect(OffsetIndex.decode(0, new Uint8Array(7), 1024)).toMatch(/not a multiple of 8/);
    const index = new OffsetIndex(0, 1024);
    index.append(5, 100);
    const bytes = new Uint8Array(16);
    bytes.set(index.encode(), 0);
    bytes.set(index.encode(), 8);
    expect(OffsetIndex.decode(0, bytes, 1024)).toMatch(/not increasing/);
  });
});

describe("TimeIndex", () => {
  it("only adds an entry when the timestamp grows, and looks up the greatest at or below", () => {
    const index = new TimeIndex(50, 1200);
    expect(index.maxEntries).toBe(100);
    expect(index.maybeAppend(1000, 52)).toBe(true);
    expect(index.maybeAppend(1000, 55)).toBe(false);
    expect(index.maybeAppend(900, 56)).toBe(false);
    expect(index.maybeAppend(2000, 60)).toBe(true);
    expect(index.lookup(999)).toEqual({ timestamp: -1, offset: 50 });
    expect(index.lookup(1000)).toEqual({ timestamp: 1000, offset: 52 });
    expect(index.lookup(1999)).toEqual({ timestamp: 1000, offset: 52 });
    expect(index.lookup(5000)).toEqual({ timestamp: 2000, offset: 60 });
    expect(index.lastEntry()).toEqual({ timestamp: 2000, offset: 60 });
  });

  it("round-trips int64 timestamps in 12-byte entries", () => {
    const index = new TimeIndex(0, 1200);
    index.maybeAppend(1700000000005, 7);
    const bytes = index.encode();
    expect(bytes.length).toBe(12);
    expect([...bytes]).toEqual([0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x05, 0, 0, 0, 7]);
    const back = TimeIndex.decode(0, bytes, 1200) as TimeIndex;
    expect(back.lastEntry()).toEqual({ timestamp: 1700000000005, offset: 7 });
  });

  it("lets the closing entry past a full index, and truncates by offset", () => {
    const index = new TimeIndex(0, 12);
    index.maybeAppend(10, 1);
    expect(index.isFull()).toBe(true);
    expect(() => index.maybeAppend(20, 2)).toThrow(/full/);
    expect(index.maybeAppend(20, 2, true)).toBe(true);
    index.truncateTo(2);
    expect(index.entries).toBe(1);
    expect(index.lastEntry()).toEqual({ timestamp: 10, offset: 1 });
  });
});
