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
import { InProcessChannel, type ProcessingChannelFactory } from "./processing-channel";
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
