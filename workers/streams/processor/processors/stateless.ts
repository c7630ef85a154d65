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

export function filterSupplier<K, V>(predicate: Predicate<K, V>, filterNot: boolean): ProcessorSupplierObject<K, V, K, V> {
  return supplier(
    () =>
      new (class extends ContextualProcessor<K, V, K, V> {
        process(record: Record<K, V>): void {
          if (filterNot !== predicate(record.key(), record.value())) this.context().forward(record);
        }
      })(),
  );
}

function pairOf<KR, VR>(result: KeyValueLike<KR, VR> | null | undefined, what: string): KeyValueLike<KR, VR> {
  if (result === null || result === undefined || typeof result !== "object" || !("key" in result)) {
    throw new StreamsException(`${what} must return a KeyValue (KeyValue.pair(k, v) or { key, value }), got ${String(result)}`);
  }
  return result;
}

export function mapSupplier<K, V, KR, VR>(mapper: KeyValueMapper<K, V, KeyValueLike<KR, VR>>): ProcessorSupplierObject<K, V, KR, VR> {
  return supplier(
    () =>
      new (class extends ContextualProcessor<K, V, KR, VR> {
        process(record: Record<K, V>): void {
          const kv = pairOf(mapper(record.key(), record.value()), "The mapper of map()");
          this.context().forward(record.withKey(kv.key).withValue(kv.value));
        }
      })(),
  );
}

export function selectKeySupplier<K, V, KR>(mapper: KeyValueMapper<K, V, KR>): ProcessorSupplierObject<K, V, KR, V> {
  return supplier(
    () =>
      new (class extends ContextualProcessor<K, V, KR, V> {
        process(record: Record<K, V>): void {
          this.context().forward(record.withKey(mapper(record.key(), record.value())));
        }
      })(),
  );
}

export function mapValuesSupplier<K, V, VR>(mapper: ValueMapperWithKey<K, V, VR>): ProcessorSupplierObject<K, V, K, VR> {
  return supplier(
    () =>
      new (class extends ContextualProcessor<K, V, K, VR> {
        process(record: Record<K, V>): void {
          this.context().forward(record.withValue(mapper(record.key(), record.value())));
        }
      })(),
  );
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
  return supplier(
    () =>
      new (class extends ContextualProcessor<K, V, KR, VR> {
        process(record: Record<K, V>): void {
          for (const kv of iterableOf(mapper(record.key(), record.value()), "The mapper of flatMap()")) {
            const pair = pairOf(kv, "Each element returned by the mapper of flatMap()");
            this.context().forward(record.withKey(pair.key).withValue(pair.value));
          }
        }
      })(),
  );
}

export function flatMapValuesSupplier<K, V, VR>(mapper: ValueMapperWithKey<K, V, Iterable<VR>>): ProcessorSupplierObject<K, V, K, VR> {
  return supplier(
    () =>
      new (class extends ContextualProcessor<K, V, K, VR> {
        process(record: Record<K, V>): void {
          for (const v of iterableOf(mapper(record.key(), record.value()), "The mapper of flatMapValues()")) {
            this.context().forward(record.withValue(v));
          }
        }
      })(),
  );
}

export function peekSupplier<K, V>(action: ForeachAction<K, V>): ProcessorSupplierObject<K, V, K, V> {
  return supplier(
    () =>
      new (class extends ContextualProcessor<K, V, K, V> {
        process(record: Record<K, V>): void {
          action(record.key(), record.value());
          this.context().forward(record);
        }
      })(),
  );
}

export function foreachSupplier<K, V>(action: ForeachAction<K, V>): ProcessorSupplierObject<K, V, never, never> {
  return supplier(
    () =>
      new (class extends ContextualProcessor<K, V, never, never> {
        process(record: Record<K, V>): void {
          action(record.key(), record.value());
        }
      })(),
  );
}

/** merge(), branch children, the null-key filter of repartition topics: forwards everything. */
export function passThroughSupplier<K, V>(): ProcessorSupplierObject<K, V, K, V> {
  return supplier(
    () =>
      new (class extends ContextualProcessor<K, V, K, V> {
        process(record: Record<K, V>): void {
          this.context().forward(record);
        }
      })(),
  );
}

/**
 * split(): sends each record to the first branch whose predicate matches, else to the
 * default branch if there is one. `predicates` and `childNames` fill in as branches are added.
 */
export function branchSupplier<K, V>(predicates: ReadonlyArray<Predicate<K, V>>, childNames: ReadonlyArray<string>): ProcessorSupplierObject<K, V, K, V> {
  return supplier(
    () =>
      new (class extends ContextualProcessor<K, V, K, V> {
        process(record: Record<K, V>): void {
          for (let i = 0; i < predicates.length; i++) {
            if (predicates[i]!(record.key(), record.value())) {
              this.context().forward(record, childNames[i]);
              return;
            }
          }
          if (childNames.length === predicates.length + 1) this.context().forward(record, childNames[predicates.length]);
        }
      })(),
  );
}

/** KTable.toStream(): each table update becomes a stream record carrying the new value. */
export function toStreamSupplier<K, V>(): ProcessorSupplierObject<K, Change<V>, K, V | null> {
  return supplier(
    () =>
      new (class extends ContextualProcessor<K, Change<V>, K, V | null> {
        process(record: Record<K, Change<V>>): void {
          const change = record.value();
          this.context().forward(record.withValue(change instanceof Change ? change.newValue : (change as V | null)));
        }
      })(),
  );
}
