/**
 * The broker in Chromium, on OPFS, across workers, against the baselines measured in the
 * same run:
 *
 * - durable produce: this worker (the producer) sends pre-encoded ~16 KiB batches to a
 *   broker role worker running `Broker` on `OpfsStorage`, one postMessage per produce
 *   request with its ArrayBuffer transferred, five requests in flight; the broker appends,
 *   flushes and acknowledges each request (returning the buffer for reuse). Next to it:
 *   the same bytes written raw through one sync access handle, and the same records put
 *   into IndexedDB 1000 per transaction.
 * - where a produce request's time goes: the same workload timed inside the broker worker
 *   (no messages), on MemoryStorage (no storage calls), and the batch validation alone.
 * - fetch: everything read back in 1 MiB fetches, inside the broker worker and from a
 *   consumer worker over a MessageChannel (each fetch's bytes transferred).
 * - produce→fetch latency: one small batch at a time from this worker while a consumer
 *   worker long-polls the broker; the time from the produce call to the consumer holding
 *   the record, on the clock all threads share, corrected by the measured offset.
 * - one forced cleaning pass over a compacted topic of keyed 100-B records on OPFS.
 */
import type { Benchmark, BenchOptions, Row } from "../harness";
import { MiB, formatBytes, formatCount, formatDuration, latencyNotes, throughputRow, timeMedian } from "../harness";
import {
  KIB_RECORDS,
  SMALL_RECORDS,
  describeWorkload,
  produceWindowed,
  produceWorkload,
  requestPool,
  workloadBytes,
} from "../shared/broker-load";
import type { ProduceWorkload, RecordShape } from "../shared/broker-load";
import { serveBroker } from "./broker-role";
import { BrokerClient, RpcClient, sharedNow } from "./broker-wire";
import type { CompactReply, LocalStorageKind, ProduceStats, TimedReply } from "./broker-wire";
import { serveConsumer } from "./consumer-role";
import type { ConsumerRequest, SeenMessage } from "./consumer-role";
import { timeIndexedDbPuts, timeRawOpfsWrites } from "./storage-baselines";
import type { FlushPolicy } from "./storage-baselines";
import { startRoleWorker } from "./worker-host";
import type { WorkerRoles } from "./worker-host";

export const roles: WorkerRoles = { broker: serveBroker, consumer: serveConsumer };

const WINDOW = 5;
const POOL = 16;
const REPEATS = 3;
// A read-back takes a fraction of a second; more runs steady its median on a busy machine.
const FETCH_REPEATS = 5;
const IDB_PER_TRANSACTION = 1000;
const BROKER_ROOT = "bench-broker";
const RAW_DIR = "bench-broker-raw";

interface Threads {
  broker: BrokerClient;
  consumer: RpcClient<ConsumerRequest>;
  consumerWorker: Worker;
}

let topicSeq = 0;

/** Median cross-worker produce time on a fresh topic per run; the last run's topic is kept for reading back. */
async function timeProduce(
  t: Threads,
  w: ProduceWorkload,
  pool: ArrayBuffer[],
  how: { on?: LocalStorageKind; coalesce?: boolean } = {},
): Promise<{ ms: number; topic: string; stats: ProduceStats }> {
  const on = how.on ?? "opfs";
  let topic = "";
  const ms = await timeMedian(
    () =>
      produceWindowed(w.requests, WINDOW, pool, async (buffer) => {
        const reply = await t.broker.produce(topic, buffer, how);
        return reply.buffer;
      }),
    {
      repeats: REPEATS,
      prepare: async () => {
        if (topic !== "") await t.broker.call({ op: "deleteTopic", topic, on });
        topic = `produce-${topicSeq++}`;
        await t.broker.call({ op: "createTopic", topic, on });
        await t.broker.call({ op: "produceStats" });
      },
    },
  );
  // The last run's: the one timed after the others.
  const stats = await t.broker.call<ProduceStats>({ op: "produceStats" });
  return { ms, topic, stats };
}

async function produceLocal(t: Threads, storage: LocalStorageKind, w: ProduceWorkload, pool: ArrayBuffer[]): Promise<TimedReply> {
  const buffers = pool.splice(0);
  const reply = await t.broker.call<TimedReply>({ op: "produceLocal", storage, pool: buffers, requests: w.requests, window: WINDOW, repeats: REPEATS }, buffers);
  pool.push(...(reply.pool ?? []));
  return reply;
}

function ratio(x: number, of: number): string {
  const r = x / of;
  return r >= 10 ? `${formatCount(r)}×` : `${Number(r.toPrecision(2))}×`;
}

function percent(x: number, of: number): string {
  return `${Math.round((100 * x) / of)} %`;
}

async function shapeRows(t: Threads, shape: RecordShape, records: number, options: BenchOptions): Promise<Row[]> {
  const w = produceWorkload(shape, records, 1);
  const pool = requestPool(w, POOL);
  const bytes = workloadBytes(w, pool);
  const requestBytes = Math.round(bytes / w.requests);
  const label = `${formatCount(w.records)} × ${shape.label}`;

  options.progress(`produce ${label} through the broker worker, 16 KiB requests`);
  const produced = await timeProduce(t, w, pool);

  options.progress(`produce ${label} through the broker worker, 16 KiB requests, queued requests appended together`);
  const grouped = await timeProduce(t, w, pool, { coalesce: true });
  await t.broker.call({ op: "deleteTopic", topic: grouped.topic });

  const wide = produceWorkload(shape, records, 64);
  const widePool = requestPool(wide, WINDOW + 1);
  const wideBytes = workloadBytes(wide, widePool);
  options.progress(`produce ${formatCount(wide.records)} × ${shape.label} through the broker worker, 1 MiB requests`);
  const wideProduced = await timeProduce(t, wide, widePool);
  await t.broker.call({ op: "deleteTopic", topic: wideProduced.topic });

  options.progress(`produce ${label} through the broker worker to MemoryStorage`);
  const viaMemory = await timeProduce(t, w, pool, { on: "memory" });
  await t.broker.call({ op: "deleteTopic", topic: viaMemory.topic, on: "memory" });

  options.progress(`produce ${label} inside the broker worker (OPFS, then memory)`);
  const localOpfs = await produceLocal(t, "opfs", w, pool);
  const localMemory = await produceLocal(t, "memory", w, pool);
  const validation = await t.broker.call<TimedReply>({ op: "validateLocal", pool: pool.slice(), rounds: Math.max(1, Math.round(w.requests / pool.length)) });

  const raw: Record<string, { ms: number; flushes: number }> = {};
  const policies: Array<[string, FlushPolicy]> = [
    ["never", "never"],
    ["each", "each-write"],
    ["mib", MiB],
  ];
  for (const [key, flush] of policies) {
    options.progress(`raw OPFS writes of the same bytes, flush ${key}`);
    raw[key] = await timeRawOpfsWrites(RAW_DIR, pool, w.requests, flush, REPEATS);
  }

  options.progress("raw OPFS writes of the 1 MiB requests, flush each");
  const rawWide = await timeRawOpfsWrites(RAW_DIR, widePool, wide.requests, "each-write", REPEATS);

  options.progress(`IndexedDB puts of ${label}`);
  const idbMs = await timeIndexedDbPuts(`bench-broker-idb-${shape.recordSize}`, w.records, shape.recordSize, IDB_PER_TRANSACTION);

  options.progress(`fetch ${label} back in 1 MiB fetches`);
  const fetchLocal = await t.broker.call<TimedReply>({ op: "readBackLocal", topic: produced.topic, repeats: FETCH_REPEATS });
  const fetchRemote = await t.consumer.call<TimedReply>({ op: "readBack", topic: produced.topic, repeats: FETCH_REPEATS });
  await t.broker.call({ op: "deleteTopic", topic: produced.topic });

  const rawNever = raw["never"]!;
  const rawEach = raw["each"]!;
  const rawMib = raw["mib"]!;
  const producedRate = w.records / produced.ms;
  const idbRate = w.records / idbMs;
  const perRequest = (ms: number) => formatDuration(ms / w.requests);
  const crcPerBatch = validation.ms / validation.operations;

  return [
    throughputRow(`produce via broker worker (OPFS), ${shape.label}, 16 KiB requests`, {
      ms: produced.ms,
      records: w.records,
      bytes,
      notes:
        `${describeWorkload(w, requestBytes)} · ${WINDOW} in flight · group commit (flush per MiB and at the end of a burst) · ${perRequest(produced.ms)}/request · ` +
        `${percent(rawNever.ms, produced.ms)} of raw OPFS, ${percent(rawEach.ms, produced.ms)} of raw with flush per write · ${ratio(producedRate, idbRate)} IndexedDB`,
    }),
    throughputRow(`produce via broker worker (OPFS), ${shape.label}, 16 KiB requests, grouped`, {
      ms: grouped.ms,
      records: w.records,
      bytes,
      notes:
        `as above, and the bench worker also appends the requests queued behind each other as one (${Number((grouped.stats.requests / grouped.stats.storage.flushes).toPrecision(2))} requests per flush): ` +
        `fewer storage writes · ${percent(rawNever.ms, grouped.ms)} of raw OPFS · ${ratio(w.records / grouped.ms, idbRate)} IndexedDB`,
    }),
    throughputRow(`produce via broker worker (OPFS), ${shape.label}, 1 MiB requests`, {
      ms: wideProduced.ms,
      records: wide.records,
      bytes: wideBytes,
      notes:
        `${describeWorkload(wide, Math.round(wideBytes / wide.requests))} · ${WINDOW} in flight · a flush per MiB (group commit) · ` +
        `${percent(rawMib.ms * (wideBytes / bytes), wideProduced.ms)} of raw 16 KiB writes with flush per MiB, ` +
        `${percent(rawWide.ms, wideProduced.ms)} of raw 1 MiB writes with flush per write · ${ratio(wide.records / wideProduced.ms, idbRate)} IndexedDB`,
    }),
    throughputRow(`  baseline: raw OPFS writes, same bytes`, {
      ms: rawNever.ms,
      records: w.records,
      bytes,
      notes: `${formatCount(w.requests)} writes of ${formatBytes(requestBytes)} · no flush · ${perRequest(rawNever.ms)}/write`,
    }),
    throughputRow(`  baseline: raw OPFS writes, flush per write`, {
      ms: rawEach.ms,
      records: w.records,
      bytes,
      notes: `${formatCount(rawEach.flushes)} flushes · ${perRequest(rawEach.ms)}/write+flush: the broker's commit cadence`,
    }),
    throughputRow(`  baseline: raw OPFS writes, flush per MiB`, {
      ms: rawMib.ms,
      records: w.records,
      bytes,
      notes: `${formatCount(rawMib.flushes)} flushes · ${formatDuration(rawMib.ms / rawMib.flushes)} per MiB committed`,
    }),
    throughputRow(`  baseline: raw OPFS writes, 1 MiB writes, flush per write`, {
      ms: rawWide.ms,
      records: wide.records,
      bytes: wideBytes,
      notes: `the 1 MiB requests' bytes · ${formatCount(rawWide.flushes)} writes and flushes · ${formatDuration(rawWide.ms / rawWide.flushes)} per MiB committed`,
    }),
    throughputRow(`  baseline: IndexedDB puts, ${shape.label}`, {
      ms: idbMs,
      records: w.records,
      bytes: w.records * shape.recordSize,
      notes: `${IDB_PER_TRANSACTION} puts per transaction · durability "default" · one run`,
    }),
    { name: "  profile: broker thread per 16 KiB request", notes: busyNotes(produced.stats) },
    { name: "  profile: broker thread per grouped 16 KiB request", notes: busyNotes(grouped.stats) },
    { name: "  profile: broker thread per 1 MiB request", notes: busyNotes(wideProduced.stats) },
    throughputRow(`  profile: same produce via the broker worker, memory`, {
      ms: viaMemory.ms,
      records: w.records,
      bytes,
      notes: `messages + engine, no storage calls · ${perRequest(viaMemory.ms)}/request (messaging: ${perRequest(viaMemory.ms - localMemory.ms)})`,
    }),
    throughputRow(`  profile: same produce inside the broker worker, OPFS`, {
      ms: localOpfs.ms,
      records: w.records,
      bytes,
      notes: `engine + storage, no messages · ${perRequest(localOpfs.ms)}/request (OPFS write + flush: ${perRequest(localOpfs.ms - localMemory.ms)})`,
    }),
    throughputRow(`  profile: same produce inside the broker worker, memory`, {
      ms: localMemory.ms,
      records: w.records,
      bytes,
      notes: `engine alone · ${perRequest(localMemory.ms)}/request`,
    }),
    throughputRow(`  profile: validateBatch (CRC-32C + header) alone`, {
      ms: validation.ms,
      records: validation.records,
      bytes: validation.bytes,
      notes: `${formatDuration(crcPerBatch)}/batch; the append path runs it once per batch`,
    }),
    throughputRow(`fetch in the broker worker, ${shape.label}, 1 MiB fetches`, {
      ms: fetchLocal.ms,
      records: fetchLocal.records,
      bytes: fetchLocal.bytes,
      notes: `${formatCount(fetchLocal.operations)} fetches · ${formatDuration(fetchLocal.ms / fetchLocal.operations)}/fetch · no messages`,
    }),
    throughputRow(`fetch from a consumer worker, ${shape.label}, 1 MiB fetches`, {
      ms: fetchRemote.ms,
      records: fetchRemote.records,
      bytes: fetchRemote.bytes,
      notes: `${formatCount(fetchRemote.operations)} fetches · ${formatDuration(fetchRemote.ms / fetchRemote.operations)}/fetch · one at a time over a MessageChannel, bytes transferred`,
    }),
  ];
}

/** Where the broker thread's time per produce request went, in the timed run itself. */
function busyNotes(stats: ProduceStats): string {
  const per = (ms: number) => formatDuration(ms / stats.requests);
  const io = stats.storage;
  const rest = stats.busyMs - io.flushMs - io.writeMs;
  return (
    `busy ${per(stats.busyMs)} of ${per(stats.spanMs)} wall time (${percent(stats.busyMs, stats.spanMs)}), message in → ack posted: ` +
    `OPFS flush ${per(io.flushMs)} (${Number((io.flushes / stats.requests).toPrecision(2))}/request) · ` +
    `OPFS write ${per(io.writeMs)} (${Number((io.writes / stats.requests).toPrecision(2))} calls) · engine and messages ${per(rest)}`
  );
}

/** Offset of the consumer's shared clock from this worker's, from the ping with the shortest round trip. */
async function clockOffset(t: Threads, pings: number): Promise<{ offset: number; rtt: number }> {
  let best = { offset: 0, rtt: Number.POSITIVE_INFINITY };
  for (let i = 0; i < pings; i++) {
    const sent = sharedNow();
    const theirs = await t.consumer.call<number>({ op: "clock" });
    const back = sharedNow();
    if (back - sent < best.rtt) best = { offset: theirs - (sent + back) / 2, rtt: back - sent };
  }
  return best;
}

async function latencyRows(t: Threads, samples: number, options: BenchOptions): Promise<Row[]> {
  const warmup = Math.max(100, samples / 10);
  const total = warmup + samples;
  const topic = `latency-${topicSeq++}`;
  await t.broker.call({ op: "createTopic", topic });
  const one: RecordShape = { label: "100 B", recordSize: 100, perBatch: 1 };
  const pool = requestPool(produceWorkload(one, 1, 1), 1);

  options.progress("produce→fetch latency: clock offset");
  const clock = await clockOffset(t, 300);

  const arrived = new Map<number, number>();
  const waiting = new Map<number, (at: number) => void>();
  const onSeen = (event: MessageEvent) => {
    const seen = event.data as SeenMessage | null;
    if (seen === null || typeof seen !== "object" || seen.op !== "seen") return;
    const resolve = waiting.get(seen.lastOffset);
    if (resolve) {
      waiting.delete(seen.lastOffset);
      resolve(seen.at);
    } else arrived.set(seen.lastOffset, seen.at);
  };
  t.consumerWorker.addEventListener("message", onSeen);
  const seenAt = (offset: number) =>
    new Promise<number>((resolve) => {
      const at = arrived.get(offset);
      if (at !== undefined) {
        arrived.delete(offset);
        resolve(at);
      } else waiting.set(offset, resolve);
    });

  options.progress(`produce→fetch latency: ${formatCount(total)} samples`);
  const following = t.consumer.call({ op: "follow", topic, records: total });
  const endToEnd: number[] = [];
  const acks: number[] = [];
  try {
    for (let i = 0; i < total; i++) {
      const seen = seenAt(i);
      const sentAt = sharedNow();
      const reply = await t.broker.produce(topic, pool.pop() as ArrayBuffer);
      const ackAt = sharedNow();
      pool.push(reply.buffer);
      if (reply.baseOffset !== i) throw new Error(`latency sample ${i} was appended at offset ${reply.baseOffset}`);
      const at = (await seen) - clock.offset;
      if (i >= warmup) {
        endToEnd.push(at - sentAt);
        acks.push(ackAt - sentAt);
      }
    }
    await following;
  } finally {
    t.consumerWorker.removeEventListener("message", onSeen);
  }
  await t.broker.call({ op: "deleteTopic", topic });
  const clockNote = `consumer clock offset ${formatDuration(Math.abs(clock.offset))} ± ${formatDuration(clock.rtt / 2)}`;
  return [
    { name: "produce→fetch latency across workers, one 100-B record", notes: `${latencyNotes(endToEnd)} · consumer long-polls the broker worker · ${clockNote}` },
    { name: "produce→ack latency (acks=all, flushed)", notes: `${latencyNotes(acks)} · same samples, seen by the producer` },
  ];
}

async function compactionRow(t: Threads, records: number, keys: number, options: BenchOptions): Promise<Row> {
  options.progress(`compaction: fill ${formatCount(records)} keyed records, clean once`);
  const r = await t.broker.call<CompactReply>({ op: "compactLocal", records, keys });
  return throughputRow(`compaction on OPFS, one forced pass, ${formatCount(r.records)} × 100 B`, {
    ms: r.ms,
    records: r.records,
    bytes: r.bytes,
    notes: `${formatDuration(r.ms)} · ${formatCount(r.keys)} keys · ${r.segments} closed segments (${formatBytes(r.bytes)}) → ${formatCount(r.left)} records · in the broker worker`,
  });
}

async function run(options: BenchOptions): Promise<Row[]> {
  const scale = options.quick ? 10 : 1;
  const brokerWorker = startRoleWorker("broker");
  const consumerWorker = startRoleWorker("consumer");
  const t: Threads = { broker: new BrokerClient(brokerWorker), consumer: new RpcClient<ConsumerRequest>(consumerWorker), consumerWorker };
  const channel = new MessageChannel();
  brokerWorker.postMessage({ op: "connect" }, [channel.port1]);
  consumerWorker.postMessage({ op: "connect" }, [channel.port2]);
  const rows: Row[] = [];
  try {
    await t.broker.call({ op: "start", root: BROKER_ROOT });
    rows.push(...(await shapeRows(t, SMALL_RECORDS, 1_000_000 / scale, options)));
    rows.push(...(await shapeRows(t, KIB_RECORDS, 200_000 / scale, options)));
    rows.push(...(await latencyRows(t, options.quick ? 1_000 : 5_000, options)));
    rows.push(await compactionRow(t, options.quick ? 200_000 : 1_000_000, 10_000, options));
  } finally {
    await t.broker.call({ op: "stop" }).catch(() => undefined);
    brokerWorker.terminate();
    consumerWorker.terminate();
    const root = await navigator.storage.getDirectory();
    for (const name of [BROKER_ROOT, RAW_DIR]) await root.removeEntry(name, { recursive: true }).catch(() => undefined);
  }
  return rows;
}

const benchmark: Benchmark = { name: "broker", run };
export default benchmark;
