/**
 * The broker role: a worker that runs `Broker` on `OpfsStorage` (it alone holds the sync
 * handles) and answers BrokerRequests on its own scope and on every MessagePort handed to
 * it, so a producer and a consumer in other workers can talk to it directly. A fetch with
 * maxWaitMs waits for the next append to its topic (a long poll, Kafka's fetch.max.wait.ms)
 * instead of answering empty at once.
 *
 * The `*Local` requests time engine work inside this worker, with no messages in the
 * measured span, so the benchmark can say which share of a produce is the engine's.
 */
import type { Broker } from "../../workers/broker/broker";
import { validateBatch } from "../../workers/log/record-batch";
import { batchesIn } from "../../workers/log/record-batch";
import { MemoryStorage } from "../../workers/storage/memory-storage";
import { OpfsStorage } from "../../workers/storage/opfs-storage";
import { timeMedian } from "../harness";
import {
  countBatches,
  countRecords,
  createBenchTopic,
  fillCompactedTopic,
  produceWindowed,
  readBack,
  startBenchBroker,
} from "../shared/broker-load";
import { TimedStorage, noStorageTimes } from "../shared/timed-storage";
import type { BrokerReply, BrokerRequest, LocalStorageKind, ProduceStats, CompactReply, FetchReply, ProduceReply, TimedReply } from "./broker-wire";
import type { DedicatedScope, Endpoint } from "./worker-host";

/** Keeps validateBatch's result alive so the timing loop is not optimised away. */
let sink = 0;

class BrokerRole {
  constructor() {
    this.tick.port1.onmessage = (event: MessageEvent) => void this.appendGroup(event.data as string);
  }

  private broker: Broker | undefined;
  private storage: TimedStorage | undefined;
  private memoryBroker: Promise<Broker> | undefined;
  private root = "";
  private localSeq = 0;
  /** This thread's time on produce requests, from the message arriving to the posted ack. */
  private busy = { ms: 0, requests: 0, first: 0, last: 0 };
  /** Coalesced produce requests waiting for their group's append, per topic. */
  private readonly groups = new Map<string, Array<{ buffer: ArrayBuffer; resolve: (r: ProduceReply) => void; reject: (e: Error) => void }>>();
  /** Posting to itself queues a task behind the messages that have already arrived. */
  private readonly tick = new MessageChannel();
  /** Long polls parked per topic, woken by the next append. */
  private readonly parked = new Map<string, Set<() => void>>();

  serve(endpoint: Endpoint): void {
    endpoint.addEventListener("message", (event) => {
      const request = event.data as BrokerRequest | null;
      if (request === null || typeof request !== "object" || typeof request.id !== "number") return;
      const started = performance.now();
      this.handle(request).then(
        ([result, transfer]) => {
          endpoint.postMessage({ id: request.id, ok: true, result } satisfies BrokerReply, transfer);
          // A coalesced request's wait for its group is not work; the group's append is counted when it runs.
          if (request.op === "produce" && request.coalesce !== true) this.countBusy(started, performance.now(), 1);
        },
        (error: unknown) =>
          endpoint.postMessage({ id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies BrokerReply),
      );
    });
    endpoint.start?.();
  }

  private countBusy(start: number, end: number, requests: number): void {
    const b = this.busy;
    if (b.requests === 0) b.first = start;
    b.ms += end - start;
    b.requests += requests;
    b.last = end;
  }

  private get running(): Broker {
    if (this.broker === undefined) throw new Error("the broker role has not been started");
    return this.broker;
  }

  private async target(on: LocalStorageKind | undefined): Promise<Broker> {
    if (on !== "memory") return this.running;
    this.memoryBroker ??= startBenchBroker(new MemoryStorage());
    return this.memoryBroker;
  }

  private async handle(r: BrokerRequest): Promise<[unknown, Transferable[]]> {
    switch (r.op) {
      case "start": {
        this.root = r.root;
        this.storage = new TimedStorage(await OpfsStorage.open(r.root));
        this.broker = await startBenchBroker(this.storage);
        this.broker.subscribe((event) => {
          if (event.type === "records-appended") this.wake(event.topic);
        });
        return [null, []];
      }
      case "createTopic":
        await createBenchTopic(await this.target(r.on), r.topic, r.config);
        return [null, []];
      case "deleteTopic":
        await (await this.target(r.on)).deleteTopic(r.topic);
        return [null, []];
      case "produce": {
        if (r.coalesce === true) {
          const reply = await this.coalesced(r.topic, r.buffer);
          return [reply, [reply.buffer]];
        }
        const broker = r.on === "memory" ? await this.target(r.on) : this.running;
        const result = await broker.produce(r.topic, 0, new Uint8Array(r.buffer));
        const reply: ProduceReply = { baseOffset: result.baseOffset, lastOffset: result.lastOffset, buffer: r.buffer };
        return [reply, [r.buffer]];
      }
      case "produceStats": {
        const b = this.busy;
        this.busy = { ms: 0, requests: 0, first: 0, last: 0 };
        const storage = this.storage?.takeTimes() ?? noStorageTimes();
        const reply: ProduceStats = { busyMs: b.ms, requests: b.requests, spanMs: b.last - b.first, storage };
        return [reply, []];
      }
      case "fetch":
        return this.fetch(r.topic, r.offset, r.maxBytes, r.maxWaitMs);
      case "produceLocal":
        return this.produceLocal(r.storage, r.pool, r.requests, r.window, r.repeats);
      case "validateLocal":
        return [this.validateLocal(r.pool, r.rounds), []];
      case "readBackLocal": {
        const broker = this.running;
        let got = { records: 0, bytes: 0, fetches: 0 };
        const ms = await timeMedian(
          async () => {
            got = await readBack((offset, maxBytes) => broker.fetch(r.topic, 0, offset, maxBytes), 0);
          },
          { repeats: r.repeats },
        );
        const reply: TimedReply = { ms, records: got.records, bytes: got.bytes, operations: got.fetches };
        return [reply, []];
      }
      case "compactLocal":
        return [await this.compactLocal(r.records, r.keys), []];
      case "stop": {
        await this.broker?.shutdown();
        this.broker = undefined;
        await (await this.memoryBroker)?.shutdown();
        this.memoryBroker = undefined;
        const root = await navigator.storage.getDirectory();
        await root.removeEntry(this.root, { recursive: true }).catch(() => undefined);
        return [null, []];
      }
    }
  }

  /**
   * Group commit across requests, done in the worker: the first request of a group posts a
   * tick to this thread, which runs after the messages already queued; by then every request
   * that arrived meanwhile has joined the group, and the group is appended as one produce
   * request (the broker flushes once). Offsets are handed out in arrival order.
   */
  private coalesced(topic: string, buffer: ArrayBuffer): Promise<ProduceReply> {
    return new Promise((resolve, reject) => {
      let group = this.groups.get(topic);
      if (group === undefined) {
        this.groups.set(topic, (group = []));
        this.tick.port2.postMessage(topic);
      }
      group.push({ buffer, resolve, reject });
    });
  }

  private async appendGroup(topic: string): Promise<void> {
    const group = this.groups.get(topic) ?? [];
    this.groups.delete(topic);
    const start = performance.now();
    const combined = new Uint8Array(group.reduce((sum, m) => sum + m.buffer.byteLength, 0));
    let at = 0;
    for (const m of group) {
      combined.set(new Uint8Array(m.buffer), at);
      at += m.buffer.byteLength;
    }
    try {
      const result = await this.running.produce(topic, 0, combined);
      let next = result.baseOffset;
      for (const m of group) {
        const offsets = countBatches(new Uint8Array(m.buffer)).records;
        m.resolve({ baseOffset: next, lastOffset: next + offsets - 1, buffer: m.buffer });
        next += offsets;
      }
    } catch (e) {
      for (const m of group) m.reject(e instanceof Error ? e : new Error(String(e)));
    }
    this.countBusy(start, performance.now(), group.length);
  }

  private async fetch(topic: string, offset: number, maxBytes: number, maxWaitMs: number): Promise<[FetchReply, Transferable[]]> {
    const broker = this.running;
    let r = await broker.fetch(topic, 0, offset, maxBytes);
    if (r.bytes.length === 0 && maxWaitMs > 0) {
      await this.park(topic, maxWaitMs);
      r = await broker.fetch(topic, 0, offset, maxBytes);
    }
    const bytes = r.bytes;
    // Every non-empty read is a fresh buffer from the storage read, so it can leave this worker.
    const reply: FetchReply = {
      buffer: bytes.length === 0 ? null : (bytes.buffer as ArrayBuffer),
      byteOffset: bytes.byteOffset,
      byteLength: bytes.byteLength,
      nextOffset: r.nextOffset,
      highWatermark: r.highWatermark,
    };
    return [reply, reply.buffer === null ? [] : [reply.buffer]];
  }

  private park(topic: string, maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.parked.get(topic);
      if (waiters === undefined) this.parked.set(topic, (waiters = new Set()));
      const set = waiters;
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      set.add(done);
    });
  }

  private wake(topic: string): void {
    const waiters = this.parked.get(topic);
    if (waiters === undefined) return;
    for (const done of [...waiters]) done();
  }

  private async produceLocal(kind: LocalStorageKind, pool: ArrayBuffer[], requests: number, window: number, repeats: number): Promise<[TimedReply, Transferable[]]> {
    const broker = await this.target(kind);
    const bytes = (pool.reduce((sum, b) => sum + b.byteLength, 0) / pool.length) * requests;
    let records = 0;
    let topic = "";
    const ms = await timeMedian(
      async () => {
        records = 0;
        await produceWindowed(requests, window, pool, async (buffer) => {
          records += (await broker.produce(topic, 0, new Uint8Array(buffer))).recordCount;
          return buffer;
        });
      },
      {
        repeats,
        prepare: async () => {
          if (topic !== "") await broker.deleteTopic(topic);
          topic = `local-${this.localSeq++}`;
          await createBenchTopic(broker, topic);
        },
      },
    );
    await broker.deleteTopic(topic);
    return [{ ms, records, bytes, operations: requests, pool }, pool];
  }

  private validateLocal(pool: ArrayBuffer[], rounds: number): TimedReply {
    const views = pool.map((b) => new Uint8Array(b));
    let batches = 0;
    let records = 0;
    let bytes = 0;
    for (const view of views) {
      for (const { pos, header } of batchesIn(view)) {
        batches++;
        records += header.recordsCount;
        bytes += header.batchLength + 12;
        sink ^= validateBatch(view, pos).crc;
      }
    }
    const start = performance.now();
    for (let round = 0; round < rounds; round++) {
      for (const view of views) for (const { pos } of batchesIn(view)) sink ^= validateBatch(view, pos).crc;
    }
    const ms = performance.now() - start;
    return { ms, records: records * rounds, bytes: bytes * rounds, operations: batches * rounds };
  }

  private async compactLocal(records: number, keys: number): Promise<CompactReply> {
    const broker = this.running;
    const topic = `compacted-${this.localSeq++}`;
    const setup = await fillCompactedTopic(broker, topic, records, keys);
    const start = performance.now();
    await broker.cleanTopic(topic);
    const ms = performance.now() - start;
    const left = await countRecords(broker, topic);
    await broker.deleteTopic(topic);
    return { ms, left, ...setup };
  }
}

export function serveBroker(scope: DedicatedScope): void {
  const role = new BrokerRole();
  role.serve(scope);
  // A port handed over in a message is another client connection (a consumer worker, say).
  scope.addEventListener("message", (event) => {
    for (const port of event.ports) role.serve(port);
  });
}

/** `sink` is exported so no engine treats the validation loop as dead code. */
export function validationSink(): number {
  return sink;
}
