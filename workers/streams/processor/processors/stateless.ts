import { Change } from "../../change";
import { StreamsException } from "../../errors";
import type { KeyValueLike } from "../../key-value";
import type { Record } from "../../record";
import { ContextualProcessor, type ProcessorSupplierObject } from "../processor-context";

/** Kafka's mapper shapes. A JS function's arity picks the Java overload: `(v) => …` or `(k, v) => …`. */
export type ValueMapper<V, VR> = (value: V) => VR;
export type ValueMapperWithKey<K, V, VR> = (readOnlyKey: K, value: V) => VR;
export type KeyValueMapper<K, V, R> = (key: K, value: V) => R;
export type Predicate<K, V> = (key: K, value: V) => boolean;
export type ForeachAction<K, V> = (key: K, value: V) => void;

/** Java overloads `ValueMapper` / `ValueMapperWithKey` as one function taking (key, value). */
export function withKey<K, V, VR>(mapper: ValueMapper<V, VR> | ValueMapperWithKey<K, V, VR>): ValueMapperWithKey<K, V, VR> {
  if (mapper.length >= 2) return mapper as ValueMapperWithKey<K, V, VR>;
  return (_key, value) => (mapper as ValueMapper<V, VR>)(value);
}

function supplier<KIn, VIn, KOut, VOut>(make: () => ContextualProcessor<KIn, VIn, KOut, VOut>): ProcessorSupplierObject<KIn, VIn, KOut, VOut> {
  return { get: make };
}

/*
 * Each operator is one class at module level, given its function when made, rather than a
 * class made inside get(): code that every processor runs through (the task's dispatch,
 * the context accessor) then sees one shape per operator for the whole process and stays
 * specialised, instead of a new shape per task and per application.
 */

class FilterProcessor<K, V> extends ContextualProcessor<K, V, K, V> {
  constructor(
    private readonly predicate: Predicate<K, V>,
    private readonly filterNot: boolean,
  ) {
    super();
  }

  process(record: Record<K, V>): void {
    if (this.filterNot !== this.predicate(record.key(), record.value())) this.context().forward(record);
  }
}

class MapProcessor<K, V, KR, VR> extends ContextualProcessor<K, V, KR, VR> {
  constructor(private readonly mapper: KeyValueMapper<K, V, KeyValueLike<KR, VR>>) {
    super();
  }

  process(record: Record<K, V>): void {
    const kv = pairOf(this.mapper(record.key(), record.value()), "The mapper of map()");
    this.context().forward(record.withKey(kv.key).withValue(kv.value));
  }
}

class SelectKeyProcessor<K, V, KR> extends ContextualProcessor<K, V, KR, V> {
  constructor(private readonly mapper: KeyValueMapper<K, V, KR>) {
    super();
  }

  process(record: Record<K, V>): void {
    this.context().forward(record.withKey(this.mapper(record.key(), record.value())));
  }
}

class MapValuesProcessor<K, V, VR> extends ContextualProcessor<K, V, K, VR> {
  constructor(private readonly mapper: ValueMapperWithKey<K, V, VR>) {
    super();
  }

  process(record: Record<K, V>): void {
    this.context().forward(record.withValue(this.mapper(record.key(), record.value())));
  }
}

class FlatMapProcessor<K, V, KR, VR> extends ContextualProcessor<K, V, KR, VR> {
  constructor(private readonly mapper: KeyValueMapper<K, V, Iterable<KeyValueLike<KR, VR>>>) {
    super();
  }

  process(record: Record<K, V>): void {
    for (const kv of iterableOf(this.mapper(record.key(), record.value()), "The mapper of flatMap()")) {
      const pair = pairOf(kv, "Each element returned by the mapper of flatMap()");
      this.context().forward(record.withKey(pair.key).withValue(pair.value));
    }
  }
}

class FlatMapValuesProcessor<K, V, VR> extends ContextualProcessor<K, V, K, VR> {
  constructor(private readonly mapper: ValueMapperWithKey<K, V, Iterable<VR>>) {
    super();
  }

  process(record: Record<K, V>): void {
    for (const v of iterableOf(this.mapper(record.key(), record.value()), "The mapper of flatMapValues()")) {
      this.context().forward(record.withValue(v));
    }
  }
}

class PeekProcessor<K, V> extends ContextualProcessor<K, V, K, V> {
  constructor(private readonly action: ForeachAction<K, V>) {
    super();
  }

  process(record: Record<K, V>): void {
    this.action(record.key(), record.value());
    this.context().forward(record);
  }
}

class ForeachProcessor<K, V> extends ContextualProcessor<K, V, never, never> {
  constructor(private readonly action: ForeachAction<K, V>) {
    super();
  }

  process(record: Record<K, V>): void {
    this.action(record.key(), record.value());
  }
}

class PassThroughProcessor<K, V> extends ContextualProcessor<K, V, K, V> {
  process(record: Record<K, V>): void {
    this.context().forward(record);
  }
}

class BranchProcessor<K, V> extends ContextualProcessor<K, V, K, V> {
  constructor(
    private readonly predicates: ReadonlyArray<Predicate<K, V>>,
    private readonly childNames: ReadonlyArray<string>,
  ) {
    super();
  }

  process(record: Record<K, V>): void {
    const predicates = this.predicates;
    const childNames = this.childNames;
    for (let i = 0; i < predicates.length; i++) {
      if (predicates[i]!(record.key(), record.value())) {
        this.context().forward(record, childNames[i]);
        return;
      }
    }
    if (childNames.length === predicates.length + 1) this.context().forward(record, childNames[predicates.length]);
  }
}

class ToStreamProcessor<K, V> extends ContextualProcessor<K, Change<V>, K, V | null> {
  process(record: Record<K, Change<V>>): void {
    const change = record.value();
    this.context().forward(record.withValue(change instanceof Change ? change.newValue : (change as V | null)));
  }
}

export function filterSupplier<K, V>(predicate: Predicate<K, V>, filterNot: boolean): ProcessorSupplierObject<K, V, K, V> {
  return supplier(() => new FilterProcessor(predicate, filterNot));
}

function pairOf<KR, VR>(result: KeyValueLike<KR, VR> | null | undefined, what: string): KeyValueLike<KR, VR> {
  if (result === null || result === undefined || typeof result !== "object" || !("key" in result)) {
    throw new StreamsException(`${what} must return a KeyValue (KeyValue.pair(k, v) or { key, value }), got ${String(result)}`);
  }
  return result;
}

export function mapSupplier<K, V, KR, VR>(mapper: KeyValueMapper<K, V, KeyValueLike<KR, VR>>): ProcessorSupplierObject<K, V, KR, VR> {
  return supplier(() => new MapProcessor(mapper));
}

export function selectKeySupplier<K, V, KR>(mapper: KeyValueMapper<K, V, KR>): ProcessorSupplierObject<K, V, KR, V> {
  return supplier(() => new SelectKeyProcessor(mapper));
}

export function mapValuesSupplier<K, V, VR>(mapper: ValueMapperWithKey<K, V, VR>): ProcessorSupplierObject<K, V, K, VR> {
  return supplier(() => new MapValuesProcessor(mapper));
}

function iterableOf<T>(result: Iterable<T> | null | undefined, what: string): Iterable<T> {
  if (result === null || result === undefined || typeof (result as Iterable<T>)[Symbol.iterator] !== "function") {
    throw new StreamsException(`${what} must return an iterable (e.g. an array), got ${String(result)}`);
  }
  return result;
}

export function flatMapSupplier<K, V, KR, VR>(
  mapper: KeyValueMapper<K, V, Iterable<KeyValueLike<KR, VR>>>,
): ProcessorSupplierObject<K, V, KR, VR> {
  return supplier(() => new FlatMapProcessor(mapper));
}

export function flatMapValuesSupplier<K, V, VR>(mapper: ValueMapperWithKey<K, V, Iterable<VR>>): ProcessorSupplierObject<K, V, K, VR> {
  return supplier(() => new FlatMapValuesProcessor(mapper));
}

export function peekSupplier<K, V>(action: ForeachAction<K, V>): ProcessorSupplierObject<K, V, K, V> {
  return supplier(() => new PeekProcessor(action));
}

export function foreachSupplier<K, V>(action: ForeachAction<K, V>): ProcessorSupplierObject<K, V, never, never> {
  return supplier(() => new ForeachProcessor(action));
}

/** merge(), branch children, the null-key filter of repartition topics: forwards everything. */
export function passThroughSupplier<K, V>(): ProcessorSupplierObject<K, V, K, V> {
  return supplier(() => new PassThroughProcessor<K, V>());
}

/**
 * split(): sends each record to the first branch whose predicate matches, else to the
 * default branch if there is one. `predicates` and `childNames` fill in as branches are added.
 */
export function branchSupplier<K, V>(predicates: ReadonlyArray<Predicate<K, V>>, childNames: ReadonlyArray<string>): ProcessorSupplierObject<K, V, K, V> {
  return supplier(() => new BranchProcessor(predicates, childNames));
}

/** KTable.toStream(): each table update becomes a stream record carrying the new value. */
export function toStreamSupplier<K, V>(): ProcessorSupplierObject<K, Change<V>, K, V | null> {
  return supplier(() => new ToStreamProcessor<K, V>());
}
