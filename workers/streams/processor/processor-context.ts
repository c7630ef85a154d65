import type { Headers, Record } from "../record";
import type { StateStore, StoreBuilder } from "../state/state-store";
import type { StreamsEvent } from "./events";

export const PunctuationType = {
  /** Fires as stream time (the highest record timestamp the task has seen) advances. */
  STREAM_TIME: "STREAM_TIME",
  /** Fires on the engine clock (virtual in the runner and tests). */
  WALL_CLOCK_TIME: "WALL_CLOCK_TIME",
} as const;
export type PunctuationType = (typeof PunctuationType)[keyof typeof PunctuationType];

/** Called with the punctuation's time: stream time or the engine clock. */
export type Punctuator = (timestamp: number) => void;

export interface Cancellable {
  cancel(): void;
}

/** Where the record being processed was read (Kafka's `RecordMetadata`). */
export interface RecordMetadata {
  topic(): string;
  partition(): number;
  offset(): number;
}

/** Everything known about the record being processed. `topic` is null inside a punctuation. */
export interface RecordContext {
  topic: string | null;
  partition: number;
  offset: number;
  timestamp: number;
  headers: Headers;
}

/**
 * What a processor may do (Kafka's Processor API v2 `ProcessorContext`): forward records
 * to its children, read its state stores, schedule punctuations, see the current record's
 * origin and the task's stream time.
 */
export interface ProcessorContext<KForward = unknown, VForward = unknown> {
  applicationId(): string;
  /** `<sub-topology>_<partition>`, e.g. `0_2`. */
  taskId(): string;
  appConfigs(): Readonly<globalThis.Record<string, unknown>>;
  /** To every child, or only to the named child. */
  forward<K extends KForward, V extends VForward>(record: Record<K, V>, childName?: string): void;
  getStateStore<S extends StateStore = StateStore>(name: string): S;
  schedule(intervalMs: number, type: PunctuationType, callback: Punctuator): Cancellable;
  /** Asks for a commit soon; the test driver commits after every record anyway. */
  commit(): void;
  /** Absent inside a punctuation (no current record). */
  recordMetadata(): RecordMetadata | undefined;
  recordContext(): RecordContext;
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
}

/** A processor of the Processor API. `init` and `close` are optional. */
export interface Processor<KIn = unknown, VIn = unknown, KOut = unknown, VOut = unknown> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: Record<KIn, VIn>): void;
  close?(): void;
}

/** Kafka's `ProcessorSupplier`: a factory (called once per task) and the stores it owns. */
export interface ProcessorSupplierObject<KIn = unknown, VIn = unknown, KOut = unknown, VOut = unknown> {
  get(): Processor<KIn, VIn, KOut, VOut>;
  stores?(): ReadonlyArray<StoreBuilder>;
}

export type ProcessorSupplier<KIn = unknown, VIn = unknown, KOut = unknown, VOut = unknown> =
  | ProcessorSupplierObject<KIn, VIn, KOut, VOut>
  | (() => Processor<KIn, VIn, KOut, VOut>);

export function supplierGet<KIn, VIn, KOut, VOut>(supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>): Processor<KIn, VIn, KOut, VOut> {
  return typeof supplier === "function" ? supplier() : supplier.get();
}

export function supplierStores(supplier: ProcessorSupplier<never, never, never, never>): ReadonlyArray<StoreBuilder> {
  return typeof supplier === "function" ? [] : (supplier.stores?.() ?? []);
}

/** Keeps the context for subclasses (Kafka's `ContextualProcessor`). */
export abstract class ContextualProcessor<KIn = unknown, VIn = unknown, KOut = unknown, VOut = unknown>
  implements Processor<KIn, VIn, KOut, VOut>
{
  private ctx: ProcessorContext<KOut, VOut> | undefined;

  init(context: ProcessorContext<KOut, VOut>): void {
    this.ctx = context;
  }

  protected context(): ProcessorContext<KOut, VOut> {
    if (!this.ctx) throw new Error("processor used before init()");
    return this.ctx;
  }

  abstract process(record: Record<KIn, VIn>): void;

  close(): void {}
}

/** Why a record was dropped (Kafka counts these in the dropped-records metric). */
export type DropReason = "null-key" | "null-value" | "null-key-or-value" | "expired-window" | "negative-timestamp";

/**
 * The context the engine's own operators get: the public one plus hooks for the UI
 * events and the dropped-records metric, and for re-playing buffered record contexts.
 */
export interface InternalProcessorContext<KForward = unknown, VForward = unknown> extends ProcessorContext<KForward, VForward> {
  nodeName(): string;
  emitEvent(event: StreamsEvent): void;
  hasListener(): boolean;
  recordDropped(reason: DropReason, details?: { key?: unknown; timestamp?: number }): void;
  setRecordContext(context: RecordContext): void;
  config<T>(name: string, fallback: T): T;
}

export function asInternal<K, V>(context: ProcessorContext<K, V>): InternalProcessorContext<K, V> {
  return context as InternalProcessorContext<K, V>;
}
