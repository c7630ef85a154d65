/**
 * Consumer groups in Chromium, arranged as the workbench runs them: a broker worker (the
 * engine API on OPFS with the served client transport, wired as workers/broker.worker.ts
 * wires it, minus the origin lock) and the KafkaJS-shaped clients in another thread — this
 * benchmark's worker stands in for the page — through `createBrowserKafka` and
 * `brokerClientOf` from src/engine-client, over Comlink.
 *
 * - One group of 1, 4 and 16 members reads a 16-partition topic of 100-B records
 *   (`eachMessage` counting; `eachBatch` too for 16), from the first assignment to the
 *   last record; next to raw fetch of the same partitions in the same run: inside the
 *   broker worker (no messages) and across the seam through the same served transport the
 *   consumers use, one 1 MiB partition fetch at a time, records counted from batch headers.
 * - A group of 100 joining and one member leaving, on the engine's clock stepped from this
 *   thread (`pageClientTime`), in wall time and engine time.
 * - Memory per member, measured by the page (a worker cannot): page and workers, split into
 *   this thread (the clients) and the broker worker (the coordinator).
 */
import * as Comlink from "comlink";
import { brokerClientOf, type BrokerClient } from "../../src/engine-client/broker-client";
import { createBrowserKafka, pageClientTime } from "../../src/engine-client/kafka-client";
import type { BrokerWorkerApi } from "../../workers/broker.worker";
import type { ServedTransport } from "../../workers/client";
import { servedTransport } from "../../workers/client/served-transport";
import { visibleRecords } from "../../workers/client/visible-records";
import { BrokerEngineApi, seamSafe } from "../../workers/engine/engine-api";
import { WallClockDriver } from "../../workers/runtime/wall-clock-driver";
import { OpfsStorage } from "../../workers/storage/opfs-storage";
import type { Benchmark, BenchOptions, Row } from "../harness";
import { MiB, formatBytes, formatCount, formatDuration, throughputRow, timeMedian } from "../harness";
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
import type { ReadBack } from "../shared/broker-load";
import { measurePageMemory, workerScope } from "./worker-host";
import type { DedicatedScope, PageMemory, WorkerRoles } from "./worker-host";

const BROKER_ROLE = "groups-broker";
const BROKER_DIR = "bench-groups";
const TOPIC = "group-bench";
const REBALANCE_TOPIC = "rebalance-bench";
const REPEATS = 3;
const FETCH_REPEATS = 5;

/** What the broker role offers beyond the broker worker's own API. */
interface BrokerRoleExtras {
  /** Time reading `partitions` partitions of `topic` back in 1 MiB fetches inside the worker. */
  readBackLocal(topic: string, partitions: number, repeats: number): Promise<ReadBack & { ms: number }>;
  /** Shut the engine down and remove its OPFS directory. */
  stop(): Promise<void>;
}

function serveGroupsBroker(scope: DedicatedScope): void {
  const api = new BrokerEngineApi({
    wallTime: () => Date.now(),
    // Paused: the engine's time moves only when the clients' side steps it.
    driveClock: (target) => new WallClockDriver({ ...target, playing: false }),
    requestFrame: (deliver) => {
      setTimeout(deliver, 16);
    },
  });
  const exposed: BrokerWorkerApi & BrokerRoleExtras = {
    ...seamSafe(api),
    async connectClient(port) {
      Comlink.expose(servedTransport(() => api.currentBroker(), Comlink.transfer), port);
    },
    async readBackLocal(topic, partitions, repeats) {
      const broker = api.currentBroker();
      let got: ReadBack = { records: 0, bytes: 0, fetches: 0 };
      const ms = await timeMedian(
        async () => {
          got = await readAllPartitions(partitions, (p, offset, maxBytes) => broker.fetch(topic, p, offset, maxBytes));
        },
        { repeats },
      );
      return { ms, ...got };
    },
    async stop() {
      await api.shutdown();
      const root = await navigator.storage.getDirectory();
      await root.removeEntry(BROKER_DIR, { recursive: true }).catch(() => undefined);
    },
  };
  Comlink.expose(exposed, scope as unknown as Comlink.Endpoint);
  void (async () => {
    try {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry(BROKER_DIR, { recursive: true }).catch(() => undefined);
      await api.start(await OpfsStorage.open(BROKER_DIR));
    } catch (e) {
      api.fail(e);
    }
  })();
}

export const roles: WorkerRoles = { [BROKER_ROLE]: serveGroupsBroker };

async function whenReady(client: BrokerClient): Promise<void> {
  for (;;) {
    const status = await client.api.status();
    if (status.state === "ready") return;
    if (status.state === "failed") throw new Error(`the broker worker failed: ${status.message}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One partition at a time through the served transport, as ConsumerSession fetches. */
async function readAcrossSeam(transport: ServedTransport, topic: string, decode: boolean): Promise<ReadBack & { decoded: number }> {
  let decoded = 0;
  const got = await readAllPartitions(GROUP_PARTITIONS, async (partition, offset, maxBytes) => {
    const r = await transport.fetch({
      isolationLevel: "read_uncommitted",
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 10 * MiB,
      partitions: [{ topic, partition, fetchOffset: offset, maxBytes }],
    });
    const p = r.partitions[0]!;
    if (p.error) throw new Error(`${topic}-${partition}: ${p.error.message}`);
    if (decode) decoded += visibleRecords(p.records, offset).length;
    return { bytes: p.records, nextOffset: p.nextOffset, highWatermark: p.highWatermark };
  });
  return { ...got, decoded };
}

function sumFor(memory: PageMemory, url: string): number {
  return memory.breakdown.filter((b) => b.urls.includes(url)).reduce((n, b) => n + b.bytes, 0);
}

async function run(options: BenchOptions): Promise<Row[]> {
  const target = options.quick ? 100_000 : 1_000_000;
  const here = workerScope().location.href;
  const brokerUrl = `${here}?${BROKER_ROLE}`;
  // Its own URL, so the page's memory measurement tells the broker worker from this one.
  const worker = new Worker(brokerUrl, { type: "module", name: BROKER_ROLE });
  const extras = Comlink.wrap<BrokerRoleExtras>(worker);
  const rows: Row[] = [];
  try {
    const client = await brokerClientOf(worker);
    await whenReady(client);
    await client.api.pause();
    await client.api.createTopic({ name: TOPIC, partitions: GROUP_PARTITIONS, config: GROUP_TOPIC_CONFIG });
    options.progress(`fill ${GROUP_PARTITIONS} partitions with ${formatCount(target)} × 100 B (OPFS)`);
    const filled = await fillPartitions(target, GROUP_PARTITIONS, (p, request) => client.produceBatch(TOPIC, p, request));
    const label = `${formatCount(filled.records)} × 100 B over ${GROUP_PARTITIONS} partitions`;

    options.progress("raw fetch in the broker worker and across the seam");
    const local = await extras.readBackLocal(TOPIC, GROUP_PARTITIONS, FETCH_REPEATS);
    const port = await client.openClientTransport();
    const transport = Comlink.wrap<ServedTransport>(port) as unknown as ServedTransport;
    let seam: ReadBack & { decoded: number } = { records: 0, bytes: 0, fetches: 0, decoded: 0 };
    const seamMs = await timeMedian(
      async () => {
        seam = await readAcrossSeam(transport, TOPIC, false);
      },
      { repeats: FETCH_REPEATS },
    );
    let decoded: ReadBack & { decoded: number } = seam;
    const decodeMs = await timeMedian(
      async () => {
        decoded = await readAcrossSeam(transport, TOPIC, true);
      },
      { repeats: FETCH_REPEATS },
    );
    port.close();
    const seamRate = seam.records / seamMs;
    const localRate = local.records / local.ms;
    rows.push(
      throughputRow(`raw fetch in the broker worker, ${label}`, {
        ms: local.ms,
        records: local.records,
        bytes: local.bytes,
        notes: `broker.fetch on OPFS, 1 MiB per fetch, one partition after the other · ${formatCount(local.fetches)} fetches · no messages · records counted from batch headers`,
      }),
      throughputRow(`raw fetch across the seam, ${label}`, {
        ms: seamMs,
        records: seam.records,
        bytes: seam.bytes,
        notes: `this thread → broker worker through the served client transport (Comlink), one 1 MiB partition fetch at a time, bytes transferred · ${formatCount(seam.fetches)} fetches · ${formatDuration(seamMs / seam.fetches)}/fetch`,
      }),
      throughputRow(`  fetch across the seam + decode every record`, {
        ms: decodeMs,
        records: decoded.decoded,
        bytes: decoded.bytes,
        notes: `the same fetches, each record decoded here (visibleRecords) as a consumer must · ${percentOf(decoded.decoded / decodeMs, seamRate)} of raw fetch across the seam`,
      }),
    );

    const kafka = await createBrowserKafka(client, { clientId: "bench" });
    const time = await pageClientTime(client);
    const drive: Drive = (done, stepMs) => time.until(done, 600_000, stepMs);
    const timeGroup = async (members: number, mode: ConsumeMode): Promise<GroupConsumeRun> => {
      const runs: GroupConsumeRun[] = [];
      for (let i = 0; i < REPEATS + 1; i++) {
        const r = await consumeWithGroup(kafka, { topic: TOPIC, members, total: filled.records, mode, drive });
        if (i > 0) runs.push(r);
      }
      runs.sort((a, b) => a.ms - b.ms);
      return runs[Math.floor(runs.length / 2)]!;
    };
    for (const mode of ["eachMessage", "eachBatch"] as const) {
      for (const members of mode === "eachMessage" ? GROUP_SIZES : ([16] as const)) {
        options.progress(`group of ${members}, ${mode}`);
        const r = await timeGroup(members, mode);
        const spread = `${formatCount(Math.min(...r.perMember))}–${formatCount(Math.max(...r.perMember))} records per member`;
        rows.push(
          throughputRow(`group of ${members}, ${mode}, ${label}`, {
            ms: r.ms,
            records: r.records,
            bytes: filled.bytes,
            notes:
              `${percentOf(r.records / r.ms, seamRate)} of raw fetch across the seam, ${percentOf(r.records / r.ms, localRate)} of raw fetch in the broker worker · ` +
              `first assignment → last record, median of ${REPEATS} · ${spread} · ${r.generations} generation(s) · autoCommit after each batch`,
          }),
        );
      }
    }

    options.progress(`a group of ${REBALANCE_MEMBERS} joins, one leaves; memory measured by the page (~15 s a measurement)`);
    await client.api.createTopic({ name: REBALANCE_TOPIC, partitions: REBALANCE_MEMBERS });
    const before = await measurePageMemory();
    const group = await joinLargeGroup(kafka, { topic: REBALANCE_TOPIC, members: REBALANCE_MEMBERS, drive, now: () => time.now() });
    await time.advance(10_000);
    const after = await measurePageMemory();
    const left = await group.leaveOne();
    await group.close();
    rows.push(
      {
        name: `rebalance: ${REBALANCE_MEMBERS} members join (${REBALANCE_MEMBERS} partitions)`,
        notes:
          `${formatDuration(group.join.ms)} wall until every member completed generation ${group.join.generation} · ` +
          `${formatDuration(group.join.engineMs)} of engine time (group.initial.rebalance.delay.ms 3 s) · clients here, coordinator in the broker worker`,
      },
      {
        name: `rebalance: 1 of ${REBALANCE_MEMBERS} leaves`,
        notes:
          `${formatDuration(left.ms)} wall until the other ${REBALANCE_MEMBERS - 1} completed generation ${left.generation} · ` +
          `${formatDuration(left.engineMs)} of engine time (they learn at their next heartbeat, heartbeat.interval.ms 3 s)`,
      },
      { name: "memory per member", notes: memoryNotes(before, after, here, brokerUrl) },
    );
  } finally {
    await extras.stop().catch(() => undefined);
    worker.terminate();
  }
  return rows;
}

function memoryNotes(before: PageMemory | null, after: PageMemory | null, clientsUrl: string, brokerUrl: string): string {
  if (before === null || after === null) return "not measured: the page offers neither measureUserAgentSpecificMemory nor performance.memory";
  const per = (bytes: number) => formatBytes(Math.round(bytes / REBALANCE_MEMBERS));
  if (after.how !== "measureUserAgentSpecificMemory") {
    return `${per(after.bytes - before.bytes)} (performance.memory: the page's own heap only, not the workers')`;
  }
  const clients = sumFor(after, clientsUrl) - sumFor(before, clientsUrl);
  const broker = sumFor(after, brokerUrl) - sumFor(before, brokerUrl);
  return (
    `${per(clients + broker)} per member: ${per(clients)} in the clients' thread, ${per(broker)} in the broker worker ` +
    `(measureUserAgentSpecificMemory, ${REBALANCE_MEMBERS} running members joined to a stable group, minus before, / ${REBALANCE_MEMBERS})`
  );
}

const benchmark: Benchmark = { name: "groups", run };
export default benchmark;
