/**
 * Consumer groups in Node, in process (bench/shared/groups-load.ts): one group of 1, 4 and
 * 16 members reading a 16-partition topic of 100-B records through the KafkaJS-shaped
 * client on MemoryStorage, next to raw fetch of the same partitions measured in the same
 * run; a group of 100 joining and one member leaving; heap per member.
 *
 * The clients and the broker share one thread and one virtual clock (VirtualTime), so the
 * figures are the client's and the coordinator's CPU cost, with no messaging.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Broker } from "../../workers/broker/broker";
import { Kafka, VirtualTime } from "../../workers/client";
import { visibleRecords } from "../../workers/client/visible-records";
import type { VirtualScheduler } from "../../workers/runtime/scheduler";
import { MemoryStorage } from "../../workers/storage/memory-storage";
import type { Benchmark, BenchOptions, Row } from "../harness";
import { formatBytes, formatCount, formatDuration, throughputRow, timeMedian } from "../harness";
import { startBenchBroker } from "../shared/broker-load";
import {
  GROUP_PARTITIONS,
  GROUP_SIZES,
  GROUP_TOPIC_CONFIG,
  REBALANCE_MEMBERS,
  consumeWithGroup,
  fillPartitions,
  joinLargeGroup,
  percentOf,
  readAllPartitions,
} from "../shared/groups-load";
import type { ConsumeMode, Drive, GroupConsumeRun } from "../shared/groups-load";

const TOPIC = "group-bench";
const REBALANCE_TOPIC = "rebalance-bench";
const REPEATS = 3;

/** Heap in use after a full collection. */
const collect: () => void = (() => {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

function heapUsed(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

function driver(scheduler: VirtualScheduler, kafka: Kafka): { time: VirtualTime; drive: Drive } {
  const time = new VirtualTime(scheduler, [kafka]);
  return { time, drive: (done, stepMs) => time.until(done, 600_000, stepMs) };
}

/** Median of `repeats` group runs after one unmeasured run. */
async function timeGroup(broker: Broker, members: number, total: number, mode: ConsumeMode): Promise<GroupConsumeRun> {
  const runs: GroupConsumeRun[] = [];
  for (let i = 0; i < REPEATS + 1; i++) {
    const kafka = new Kafka({ clientId: "bench", broker });
    const { drive } = driver(broker.scheduler as VirtualScheduler, kafka);
    const run = await consumeWithGroup(kafka, { topic: TOPIC, members, total, mode, drive });
    if (i > 0) runs.push(run);
  }
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)]!;
}

async function run(options: BenchOptions): Promise<Row[]> {
  const target = options.quick ? 100_000 : 1_000_000;
  const broker = await startBenchBroker(new MemoryStorage());
  const rows: Row[] = [];
  try {
    await broker.createTopic({ name: TOPIC, partitions: GROUP_PARTITIONS, config: GROUP_TOPIC_CONFIG });
    options.progress(`fill ${GROUP_PARTITIONS} partitions with ${formatCount(target)} × 100 B`);
    const filled = await fillPartitions(target, GROUP_PARTITIONS, (p, request) => broker.produce(TOPIC, p, request));
    const label = `${formatCount(filled.records)} × 100 B over ${GROUP_PARTITIONS} partitions`;

    options.progress("raw fetch of the same partitions");
    let raw = { records: 0, bytes: 0, fetches: 0 };
    const rawMs = await timeMedian(
      async () => {
        raw = await readAllPartitions(GROUP_PARTITIONS, (p, offset, maxBytes) => broker.fetch(TOPIC, p, offset, maxBytes));
      },
      { repeats: REPEATS },
    );
    let decoded = 0;
    const decodeMs = await timeMedian(
      async () => {
        decoded = 0;
        await readAllPartitions(GROUP_PARTITIONS, async (p, offset, maxBytes) => {
          const r = await broker.fetch(TOPIC, p, offset, maxBytes);
          decoded += visibleRecords(r.bytes, offset).length;
          return r;
        });
      },
      { repeats: REPEATS },
    );
    const rawRate = raw.records / rawMs;
    rows.push(
      throughputRow(`raw fetch, ${label}`, {
        ms: rawMs,
        records: raw.records,
        bytes: raw.bytes,
        notes: `broker.fetch, 1 MiB per fetch, one partition after the other · ${formatCount(raw.fetches)} fetches · records counted from batch headers`,
      }),
      throughputRow(`  fetch + decode every record`, {
        ms: decodeMs,
        records: decoded,
        bytes: raw.bytes,
        notes: `the same fetches, each record decoded (visibleRecords) as a consumer must · ${percentOf(decoded / decodeMs, rawRate)} of raw fetch`,
      }),
    );

    for (const mode of ["eachMessage", "eachBatch"] as const) {
      for (const members of mode === "eachMessage" ? GROUP_SIZES : ([16] as const)) {
        options.progress(`group of ${members}, ${mode}`);
        const r = await timeGroup(broker, members, filled.records, mode);
        const spread = `${formatCount(Math.min(...r.perMember))}–${formatCount(Math.max(...r.perMember))} records per member`;
        rows.push(
          throughputRow(`group of ${members}, ${mode}, ${label}`, {
            ms: r.ms,
            records: r.records,
            bytes: filled.bytes,
            notes:
              `${percentOf(r.records / r.ms, rawRate)} of raw fetch · first assignment → last record, median of ${REPEATS} · ${spread} · ` +
              `${r.generations} generation(s) · autoCommit after each batch`,
          }),
        );
      }
    }

    options.progress(`a group of ${REBALANCE_MEMBERS} joins, one leaves`);
    await broker.createTopic({ name: REBALANCE_TOPIC, partitions: REBALANCE_MEMBERS });
    const kafka = new Kafka({ clientId: "bench", broker });
    const { time, drive } = driver(broker.scheduler as VirtualScheduler, kafka);
    const before = heapUsed();
    const group = await joinLargeGroup(kafka, { topic: REBALANCE_TOPIC, members: REBALANCE_MEMBERS, drive, now: () => time.now() });
    await time.advance(10_000);
    const perMember = (heapUsed() - before) / REBALANCE_MEMBERS;
    const left = await group.leaveOne();
    await group.close();
    rows.push(
      {
        name: `rebalance: ${REBALANCE_MEMBERS} members join (${REBALANCE_MEMBERS} partitions)`,
        notes:
          `${formatDuration(group.join.ms)} wall until every member completed generation ${group.join.generation} · ` +
          `${formatDuration(group.join.engineMs)} of engine time (group.initial.rebalance.delay.ms 3 s)`,
      },
      {
        name: `rebalance: 1 of ${REBALANCE_MEMBERS} leaves`,
        notes:
          `${formatDuration(left.ms)} wall until the other ${REBALANCE_MEMBERS - 1} completed generation ${left.generation} · ` +
          `${formatDuration(left.engineMs)} of engine time (they learn at their next heartbeat, heartbeat.interval.ms 3 s)`,
      },
      {
        name: `memory per member`,
        notes: `${formatBytes(Math.round(perMember))} of heap per member (client and coordinator, same process): heapUsed after gc, ${REBALANCE_MEMBERS} running members joined to a stable group, minus before, / ${REBALANCE_MEMBERS}`,
      },
    );
  } finally {
    await broker.shutdown();
  }
  return rows;
}

const benchmark: Benchmark = { name: "groups", run };
export default benchmark;
