/**
 * The consumer-group workloads both environments run, on a `Kafka` from workers/client
 * whatever its transport (in process in Node, the broker worker's port in Chromium):
 *
 * - a topic of 16 partitions pre-filled with 100-B records (batches of 150, as the broker
 *   benchmark writes them), read by one group of N members with `eachMessage` (or
 *   `eachBatch`) counting records; the clock is timed from the first assignment to the
 *   last record handed over, so the join (group.initial.rebalance.delay.ms) is not in it;
 * - raw fetch of the same partitions in 1 MiB fetches (`readBack` of the broker benchmark),
 *   in the same run, to compare with;
 * - a group of 100 members joining (time until every member has completed the same
 *   generation) and one of them leaving (until the 99 others have completed the next one),
 *   in wall time and in engine time.
 *
 * Time is driven by the caller (`drive`): `VirtualTime.until` in Node, the page's
 * `RemoteVirtualTime.until` in Chromium.
 */
import type { Consumer, Kafka } from "../../workers/client";
import { SMALL_RECORDS, encodeRequest, readBack } from "./broker-load";
import type { ReadBack } from "./broker-load";

export const GROUP_PARTITIONS = 16;
export const GROUP_SIZES = [1, 4, 16] as const;
export const REBALANCE_MEMBERS = 100;
/** Batches per produce request while filling (untimed). */
const FILL_BATCHES = 64;

/** Records far older than the engine's clock must not be deleted by retention mid-run. */
export const GROUP_TOPIC_CONFIG = { "retention.ms": -1 } as const;

/** Advance time until `done()` holds, checking every `stepMs` of engine time. */
export type Drive = (done: () => boolean, stepMs: number) => Promise<void>;

export interface Filled {
  records: number;
  /** Bytes of the batches written. */
  bytes: number;
}

/**
 * `records` 100-B records (rounded to whole batches) spread evenly over `partitions`
 * partitions through `produce`, 64 batches per request.
 */
export async function fillPartitions(records: number, partitions: number, produce: (partition: number, request: Uint8Array) => Promise<unknown>): Promise<Filled> {
  const batchesPerPartition = Math.max(1, Math.round(records / SMALL_RECORDS.perBatch / partitions));
  let bytes = 0;
  for (let p = 0; p < partitions; p++) {
    for (let b = 0; b < batchesPerPartition; b += FILL_BATCHES) {
      const request = encodeRequest(SMALL_RECORDS, p * batchesPerPartition + b, Math.min(FILL_BATCHES, batchesPerPartition - b), 1 << 30);
      bytes += request.byteLength;
      await produce(p, request);
    }
  }
  return { records: batchesPerPartition * SMALL_RECORDS.perBatch * partitions, bytes };
}

/** Reads every partition from offset 0 to its high watermark in 1 MiB fetches, one partition after the other. */
export async function readAllPartitions(
  partitions: number,
  fetch: (partition: number, offset: number, maxBytes: number) => Promise<{ bytes: Uint8Array; nextOffset: number; highWatermark: number }>,
): Promise<ReadBack> {
  const total: ReadBack = { records: 0, bytes: 0, fetches: 0 };
  for (let p = 0; p < partitions; p++) {
    const got = await readBack((offset, maxBytes) => fetch(p, offset, maxBytes), 0);
    total.records += got.records;
    total.bytes += got.bytes;
    total.fetches += got.fetches;
  }
  return total;
}

export type ConsumeMode = "eachMessage" | "eachBatch";

export interface GroupConsumeRun {
  /** From the first partition assigned to the last record handed to the application. */
  ms: number;
  records: number;
  /** Records each member handled. */
  perMember: number[];
  /** Generations the members went through (1 when all joined at once). */
  generations: number;
}

let groupSeq = 0;

/**
 * One group of `members` consumers reads `topic` from the beginning until `total` records
 * were handed over; then every member leaves. Each run uses a new group id.
 */
export async function consumeWithGroup(
  kafka: Kafka,
  o: { topic: string; members: number; total: number; mode: ConsumeMode; drive: Drive; config?: Record<string, string | number | boolean> },
): Promise<GroupConsumeRun> {
  const groupId = `bench-group-${groupSeq++}`;
  const consumers: Consumer[] = [];
  const perMember: number[] = new Array(o.members).fill(0);
  const generations = new Set<number>();
  let count = 0;
  let firstAssigned = -1;
  let lastRecord = -1;
  for (let m = 0; m < o.members; m++) {
    const c = kafka.consumer({ groupId, ...(o.config ? { config: o.config } : {}) });
    c.onEvent((e) => {
      if (e.type === "partitions-assigned" && e.partitions.length > 0 && firstAssigned < 0) firstAssigned = performance.now();
      if (e.type === "rebalance-completed") generations.add(e.generationId);
    });
    await c.connect();
    await c.subscribe({ topics: [o.topic], fromBeginning: true });
    if (o.mode === "eachMessage") {
      await c.run({
        eachMessage: async () => {
          perMember[m]!++;
          if (++count === o.total) lastRecord = performance.now();
        },
      });
    } else {
      await c.run({
        eachBatch: async ({ batch }) => {
          perMember[m]! += batch.messages.length;
          count += batch.messages.length;
          if (count >= o.total && lastRecord < 0) lastRecord = performance.now();
        },
      });
    }
    consumers.push(c);
  }
  await o.drive(() => count >= o.total, 500);
  for (const c of consumers) await c.disconnect();
  if (count !== o.total) throw new Error(`group of ${o.members} handed over ${count} records, expected ${o.total}`);
  return { ms: lastRecord - firstAssigned, records: count, perMember, generations: generations.size };
}

export interface RebalanceRun {
  /** Wall time until the condition held. */
  ms: number;
  /** Engine time it took. */
  engineMs: number;
  generation: number;
}

export interface RebalanceGroup {
  consumers: Consumer[];
  join: RebalanceRun;
  /** Stop one member (LeaveGroup) and time until the others completed the next generation. */
  leaveOne(): Promise<RebalanceRun>;
  close(): Promise<void>;
}

/**
 * `members` consumers of one new group on `topic` (no records needed) join; resolves once
 * every one has completed the same generation. `now` reads the engine time the clients see.
 */
export async function joinLargeGroup(kafka: Kafka, o: { topic: string; members: number; drive: Drive; now: () => number }): Promise<RebalanceGroup> {
  const groupId = `bench-rebalance-${groupSeq++}`;
  const consumers: Consumer[] = [];
  const completed = new Map<Consumer, number>();
  const live = new Set<Consumer>();
  let waitingFor = { above: 0, ms: -1, engineMs: -1 };
  const check = () => {
    if (waitingFor.ms >= 0 || live.size === 0) return;
    let generation: number | undefined;
    for (const c of live) {
      const g = completed.get(c);
      if (g === undefined || g <= waitingFor.above || (generation !== undefined && g !== generation)) return;
      generation = g;
    }
    waitingFor = { ...waitingFor, ms: performance.now(), engineMs: o.now() };
  };
  const timed = async (above: number, start: () => Promise<void>): Promise<RebalanceRun> => {
    waitingFor = { above, ms: -1, engineMs: -1 };
    const wall = performance.now();
    const engine = o.now();
    await start();
    await o.drive(() => waitingFor.ms >= 0, 100);
    const generation = completed.get([...live][0]!) ?? -1;
    return { ms: waitingFor.ms - wall, engineMs: waitingFor.engineMs - engine, generation };
  };
  const join = await timed(0, async () => {
    for (let m = 0; m < o.members; m++) {
      const c = kafka.consumer({ groupId });
      c.onEvent((e) => {
        if (e.type === "rebalance-completed") {
          completed.set(c, e.generationId);
          check();
        }
      });
      await c.connect();
      await c.subscribe({ topics: [o.topic], fromBeginning: true });
      await c.run({ eachMessage: async () => {} });
      consumers.push(c);
      live.add(c);
    }
  });
  return {
    consumers,
    join,
    leaveOne: () =>
      timed(join.generation, async () => {
        const leaving = consumers[consumers.length - 1]!;
        live.delete(leaving);
        await leaving.stop();
      }),
    close: async () => {
      for (const c of live) await c.disconnect();
      live.clear();
    },
  };
}

export function percentOf(x: number, of: number): string {
  return `${Math.round((100 * x) / of)} %`;
}
