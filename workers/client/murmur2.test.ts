import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { murmur2, toPositive } from "./murmur2";
import { partitionForKey } from "./partitioner";

interface Vector {
  key: string;
  keyHex: string;
  byteLength: number;
  murmur2: number;
  toPositive: number;
  partitions: Record<string, number>;
  inKafkaUtilsTest: boolean;
}

const vectors = JSON.parse(
  readFileSync(new URL("../../../shared/reference/murmur2-vectors.json", import.meta.url), "utf8"),
) as Vector[];

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

describe("murmur2", () => {
  it("has the reference vectors", () => {
    expect(vectors.length).toBeGreaterThan(40);
    expect(vectors.filter((v) => v.inKafkaUtilsTest).length).toBeGreaterThanOrEqual(6);
  });

  it.each(vectors.map((v) => [v.key.length > 30 ? `${v.key.slice(0, 30)}…` : v.key, v] as const))(
    "matches Kafka for %j",
    (_name, v) => {
      const bytes = hexBytes(v.keyHex);
      expect(bytes.length).toBe(v.byteLength);
      expect(murmur2(bytes)).toBe(v.murmur2);
      expect(toPositive(murmur2(bytes))).toBe(v.toPositive);
      for (const [count, partition] of Object.entries(v.partitions)) {
        expect(partitionForKey(bytes, Number(count)), `${count} partitions`).toBe(partition);
      }
    },
  );

  it("hashes the UTF-8 bytes a StringSerializer produces", () => {
    const enc = new TextEncoder();
    expect(murmur2(enc.encode("21"))).toBe(-973932308);
    expect(murmur2(enc.encode("foobar"))).toBe(-790332482);
    expect(murmur2(enc.encode("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"))).toBe(-58897971);
  });

  it("toPositive clears the sign bit instead of negating", () => {
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(5)).toBe(5);
    expect(toPositive(-973932308)).not.toBe(973932308);
  });
});
