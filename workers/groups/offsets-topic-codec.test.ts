import { describe, expect, it } from "vitest";
import { isKafkaError } from "../protocol/errors";
import {
  decodeOffsetCommitValue,
  decodeOffsetsTopicKey,
  encodeGroupMetadataKey,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
} from "./offsets-topic-codec";
import { javaStringHashCode, partitionFor } from "./offsets-topic-partition";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const fromHex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));

describe("__consumer_offsets record encoding", () => {
  it("writes an offset commit key as version 1: group, topic, partition", () => {
    const key = encodeOffsetCommitKey({ group: "g", topic: "t", partition: 3 });
    expect(hex(key)).toBe("0001" + "000167" + "000174" + "00000003");
    expect(decodeOffsetsTopicKey(key)).toEqual({ kind: "offset-commit", version: 1, group: "g", topic: "t", partition: 3 });
  });

  it("writes an offset commit value as version 3: offset, leader epoch, metadata, commit timestamp", () => {
    const value = encodeOffsetCommitValue({ offset: 5, leaderEpoch: -1, metadata: "", commitTimestamp: 1000 });
    expect(hex(value)).toBe("0003" + "0000000000000005" + "ffffffff" + "0000" + "00000000000003e8");
    expect(decodeOffsetCommitValue(value)).toEqual({ version: 3, offset: 5, leaderEpoch: -1, metadata: "", commitTimestamp: 1000 });

    const big = { offset: 2 ** 40 + 7, leaderEpoch: 4, metadata: "é✓", commitTimestamp: 1_700_000_000_000 };
    expect(decodeOffsetCommitValue(encodeOffsetCommitValue(big))).toEqual({ version: 3, ...big });
  });

  it("writes a group metadata key as version 2 with the group id", () => {
    const key = encodeGroupMetadataKey("my-group");
    expect(hex(key)).toBe("0002" + "0008" + Buffer.from("my-group").toString("hex"));
    expect(decodeOffsetsTopicKey(key)).toEqual({ kind: "group-metadata", version: 2, group: "my-group" });
  });

  it("reads older and flexible value versions and version-0 keys", () => {
    // v0: offset, metadata, commitTimestamp
    expect(decodeOffsetCommitValue(fromHex("0000 0000000000000009 0002 6869 0000000000000064"))).toEqual({
      version: 0, offset: 9, leaderEpoch: -1, metadata: "hi", commitTimestamp: 100,
    });
    // v1 carries an expire timestamp
    expect(decodeOffsetCommitValue(fromHex("0001 0000000000000009 0000 0000000000000064 00000000000000c8"))).toEqual({
      version: 1, offset: 9, leaderEpoch: -1, metadata: "", commitTimestamp: 100, expireTimestamp: 200,
    });
    // v4 is flexible: compact string (length + 1) and an empty tagged-field section
    expect(decodeOffsetCommitValue(fromHex("0004 0000000000000009 00000002 026d 0000000000000064 00"))).toEqual({
      version: 4, offset: 9, leaderEpoch: 2, metadata: "m", commitTimestamp: 100,
    });
    expect(decodeOffsetsTopicKey(fromHex("0000 000167 000174 00000000"))).toMatchObject({ kind: "offset-commit", version: 0 });
    expect(decodeOffsetsTopicKey(fromHex("0003 0001 67"))).toEqual({ kind: "other", version: 3 });
  });

  it("rejects truncated or trailing bytes with CORRUPT_MESSAGE", () => {
    const key = encodeOffsetCommitKey({ group: "g", topic: "t", partition: 3 });
    for (const bad of [key.subarray(0, key.length - 1), new Uint8Array([...key, 0])]) {
      let error: unknown;
      try {
        decodeOffsetsTopicKey(bad);
      } catch (e) {
        error = e;
      }
      expect(isKafkaError(error, "CORRUPT_MESSAGE")).toBe(true);
    }
    expect(() => decodeOffsetCommitValue(fromHex("0009"))).toThrow(/version 9/);
  });
});

describe("partitionFor", () => {
  it("uses Java's String.hashCode", () => {
    expect(javaStringHashCode("")).toBe(0);
    expect(javaStringHashCode("a")).toBe(97);
    expect(javaStringHashCode("my-group")).toBe(-1906497762);
    expect(javaStringHashCode("group1")).toBe(-1237460590);
    expect(javaStringHashCode("polygenelubricants")).toBe(-2147483648);
  });

  it("maps a group to abs(hashCode) % 50 like GroupCoordinatorService", () => {
    expect(partitionFor("my-group")).toBe(12);
    expect(partitionFor("group1")).toBe(40);
    // Utils.abs(Integer.MIN_VALUE) is 0
    expect(partitionFor("polygenelubricants")).toBe(0);
    expect(partitionFor("a", 50)).toBe(47);
    expect(partitionFor("my-group", 1)).toBe(0);
    expect(() => partitionFor("g", 0)).toThrow(/positive/);
  });
});
