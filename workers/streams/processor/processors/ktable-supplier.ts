import type { StateStore } from "../../state/state-store";
import { ValueAndTimestamp } from "../../state/state-store";
import type { KeyValueStore } from "../../state/key-value-store";
import type { WindowStore } from "../../state/window-store";
import type { SessionStore } from "../../state/session-store";
import { Windowed } from "../../windowed";
import type { ProcessorContext, ProcessorSupplierObject } from "../processor-context";

/** Reads a KTable's current value for a key (joins and downstream views use it). */
export interface KTableValueGetter<K, V> {
  init(context: ProcessorContext<unknown, unknown>): void;
  get(key: K): ValueAndTimestamp<V> | null;
}

export interface KTableValueGetterSupplier<K, V> {
  get(): KTableValueGetter<K, V>;
  /** The stores a getter reads: the consuming processor must be connected to them. */
  storeNames(): string[];
}

/**
 * A processor that produces a KTable. Downstream operators may ask it to send old values
 * with each update (needed to retract from aggregates and joins), which can force its
 * upstream source to be materialized.
 */
export interface KTableSupplier<K, V> extends ProcessorSupplierObject<never, never, never, never> {
  enableSendingOldValues(forceMaterialization: boolean): boolean;
  view(): KTableValueGetterSupplier<K, V>;
}

/** A getter over a timestamped key-value store. */
export function storeGetter<K, V>(storeName: string): KTableValueGetterSupplier<K, V> {
  return {
    storeNames: () => [storeName],
    get: () => {
      let store: KeyValueStore<K, ValueAndTimestamp<V>> | undefined;
      return {
        init(context) {
          store = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<V>> & StateStore>(storeName);
        },
        get(key) {
          return store!.get(key);
        },
      };
    },
  };
}

/** A getter over a timestamped window store, keyed by windowed keys. */
export function windowStoreGetter<K, V>(storeName: string): KTableValueGetterSupplier<Windowed<K>, V> {
  return {
    storeNames: () => [storeName],
    get: () => {
      let store: WindowStore<K, ValueAndTimestamp<V>> | undefined;
      return {
        init(context) {
          store = context.getStateStore<WindowStore<K, ValueAndTimestamp<V>>>(storeName);
        },
        get(key) {
          return store!.fetch(key.key(), key.window().start());
        },
      };
    },
  };
}

/** A getter over a session store; session aggregates carry the session end as timestamp. */
export function sessionStoreGetter<K, V>(storeName: string): KTableValueGetterSupplier<Windowed<K>, V> {
  return {
    storeNames: () => [storeName],
    get: () => {
      let store: SessionStore<K, V> | undefined;
      return {
        init(context) {
          store = context.getStateStore<SessionStore<K, V>>(storeName);
        },
        get(key) {
          const w = key.window();
          return ValueAndTimestamp.make(store!.fetchSession(key.key(), w.start(), w.end()), w.end());
        },
      };
    },
  };
}
