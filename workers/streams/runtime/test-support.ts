/**
 * Engines for the runtime's tests: memory storage, the virtual clock, the runner's broker
 * settings, and topologies compiled and run in the test's own thread (or a worker thread).
 */
import { decodeJson, serializeKey, serializeValue } from "../../client/json-serde";
import { Engine, type EngineOptions, type StreamsEngineEvent } from "../../engine/engine";
import type { StoredRecord } from "../../engine/engine-port";
import { MemoryStorage } from "../../storage/memory-storage";
import { nodeLibFiles } from "../user-code/node-lib-files";
import { splitWindowedKey } from "./key-formats";
import { WatchedWorkerError } from "../../runtime/watchdog";
import { InProcessChannel, type ChannelRequestOptions, type ProcessingChannel, type ProcessingChannelFactory } from "./processing-channel";
import type { RuntimeReply, RuntimeRequest } from "./protocol";
import { readPartition } from "./read-partition";
import { ProcessingRuntime } from "./processing-runtime";

export const inProcess: ProcessingChannelFactory = () => new InProcessChannel(new ProcessingRuntime({ libs: nodeLibFiles }));

export async function testEngine(options: Partial<EngineOptions> & { events?: StreamsEngineEvent[] } = {}): Promise<Engine> {
  const { events, ...rest } = options;
  return Engine.create({
    storage: new MemoryStorage(),
    broker: { groupInitialRebalanceDelayMs: 0 },
    processing: inProcess,
    ...(events ? { streamsListener: (e: StreamsEngineEvent) => events.push(e) } : {}),
    ...rest,
  });
}

export interface JsonRecord {
  key?: unknown;
  value: unknown;
  timestamp?: number;
  partition?: number;
}

export async function produceJson(engine: Engine, topic: string, records: JsonRecord[], config?: Record<string, string | number | boolean>): Promise<void> {
  await engine.produce(
    topic,
    records.map((r) => ({
      key: serializeKey(r.key as never),
      value: serializeValue(r.value as never),
      ...(r.timestamp !== undefined ? { timestamp: r.timestamp } : {}),
      ...(r.partition !== undefined ? { partition: r.partition } : {}),
    })),
    config ? { config } : {},
  );
}

/** A topic's records as the runner prints them (windowed keys included). */
export async function dump(engine: Engine, topic: string): Promise<Array<{ partition: number; offset: number; timestamp: number; key: unknown; value: unknown }>> {
  return (await engine.readAll(topic)).map((r: StoredRecord) => ({
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: printedKey(engine, r),
    value: decodeJson(r.value),
  }));
}

function printedKey(engine: Engine, r: StoredRecord): unknown {
  const format = engine.windowedKeyFormat(r.topic);
  const split = format && r.key !== null ? splitWindowedKey(r.key, format) : undefined;
  if (!split) return decodeJson(r.key);
  return { key: decodeJson(split.key), window: { start: split.start, end: split.end } };
}

/** What a consumer with the given isolation level reads from every partition of a topic, as JSON values. */
export async function readValues(engine: Engine, topic: string, isolation: "read_committed" | "read_uncommitted"): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let p = 0; p < engine.partitionCount(topic); p++) {
    await readPartition(engine.broker, topic, p, 0, isolation, (records) => {
      for (const r of records) out.push(decodeJson(r.value));
    });
  }
  return out;
}

/**
 * A processing side that dies at a chosen process request, as a worker killed by the OS
 * would: the request and every later one fail with the watchdog's "crashed" error.
 */
export class CrashingChannel implements ProcessingChannel {
  readonly packs: boolean;
  private processRequests = 0;
  private dead = false;

  constructor(
    private readonly inner: ProcessingChannel,
    private readonly crashAt: number,
  ) {
    this.packs = inner.packs;
  }

  async request<R extends RuntimeReply>(request: RuntimeRequest, options?: ChannelRequestOptions): Promise<R> {
    if (!this.dead && request.type === "process" && this.processRequests++ === this.crashAt) {
      this.dead = true;
      this.inner.terminate();
    }
    if (this.dead) throw new WatchedWorkerError("crashed", "the worker failed: it was killed");
    return this.inner.request<R>(request, options);
  }

  terminate(): void {
    this.dead = true;
    this.inner.terminate();
  }
}
