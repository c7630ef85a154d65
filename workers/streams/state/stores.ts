import { IllegalArgumentException } from "../errors";
import { validateName } from "../named";
import { DEFAULT_SERDE, type Serde } from "../serdes";
import type { Window } from "../windowed";
import { InMemoryKeyValueStore, type KeyValueStore, type TimestampedKeyValueStore } from "./key-value-store";
import { InMemorySessionStore, type SessionStore } from "./session-store";
import { valueAndTimestampSerde, type StateStore, type StoreBuilder, type StoreKind, type ValueAndTimestamp } from "./state-store";
import { InMemoryWindowStore, type TimestampedWindowStore, type WindowStore } from "./window-store";

/** Names a store and its shape; the builders below add serdes and logging (Kafka's `*BytesStoreSupplier`). */
export interface KeyValueStoreSupplier {
  readonly type: "keyValue";
  readonly name: string;
  readonly persistent: boolean;
}

export interface WindowStoreSupplier {
  readonly type: "window";
  readonly name: string;
  readonly persistent: boolean;
  readonly retentionMs: number;
  readonly windowSizeMs: number;
  readonly retainDuplicates: boolean;
}

export interface SessionStoreSupplier {
  readonly type: "session";
  readonly name: string;
  readonly persistent: boolean;
  readonly retentionMs: number;
}

abstract class AbstractStoreBuilder<S extends StateStore> implements StoreBuilder<S> {
  private logging = true;
  private config: Record<string, string> = {};

  constructor(
    readonly name: string,
    readonly kind: StoreKind,
    readonly retentionMs?: number,
  ) {}

  loggingEnabled(): boolean {
    return this.logging;
  }

  logConfig(): Record<string, string> {
    return { ...this.config };
  }

  withLoggingEnabled(config: Record<string, string> = {}): this {
    this.logging = true;
    this.config = { ...config };
    return this;
  }

  withLoggingDisabled(): this {
    this.logging = false;
    this.config = {};
    return this;
  }

  withCachingEnabled(): this {
    return this;
  }

  withCachingDisabled(): this {
    return this;
  }

  abstract build(): S;
}

class KeyValueStoreBuilder<K, V> extends AbstractStoreBuilder<KeyValueStore<K, V>> {
  constructor(
    name: string,
    kind: StoreKind,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {
    super(name, kind);
  }

  build(): KeyValueStore<K, V> {
    return new InMemoryKeyValueStore(this.name, this.keySerde, this.valueSerde);
  }
}

class WindowStoreBuilder<K, V> extends AbstractStoreBuilder<WindowStore<K, V>> {
  constructor(
    private readonly supplier: WindowStoreSupplier,
    kind: StoreKind,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly windowOf?: (start: number, size: number) => Window,
  ) {
    super(supplier.name, kind, supplier.retentionMs);
  }

  build(): WindowStore<K, V> {
    return new InMemoryWindowStore(this.name, this.keySerde, this.valueSerde, {
      retentionMs: this.supplier.retentionMs,
      windowSizeMs: this.supplier.windowSizeMs,
      retainDuplicates: this.supplier.retainDuplicates,
      ...(this.windowOf ? { windowOf: this.windowOf } : {}),
    });
  }
}

class SessionStoreBuilder<K, V> extends AbstractStoreBuilder<SessionStore<K, V>> {
  constructor(
    private readonly supplier: SessionStoreSupplier,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {
    super(supplier.name, "session", supplier.retentionMs);
  }

  build(): SessionStore<K, V> {
    return new InMemorySessionStore(this.name, this.keySerde, this.valueSerde, this.supplier.retentionMs);
  }
}

function windowSupplier(name: string, retentionMs: number, windowSizeMs: number, retainDuplicates: boolean, persistent: boolean): WindowStoreSupplier {
  validateName(name);
  if (retentionMs < 0) throw new IllegalArgumentException("retentionPeriod cannot be negative");
  if (windowSizeMs < 0) throw new IllegalArgumentException("windowSize cannot be negative");
  if (windowSizeMs > retentionMs) {
    throw new IllegalArgumentException(
      `The retention period of the window store ${name} must be no smaller than its window size. Got size=[${windowSizeMs}], retention=[${retentionMs}]`,
    );
  }
  return { type: "window", name, persistent, retentionMs, windowSizeMs, retainDuplicates };
}

/**
 * Kafka's `Stores` factory. Every store is in memory; the "persistent" variants exist so
 * that Kafka code compiles unchanged (durability comes from the changelog topic).
 */
export const Stores = {
  inMemoryKeyValueStore(name: string): KeyValueStoreSupplier {
    return { type: "keyValue", name: validateName(name), persistent: false };
  },
  persistentKeyValueStore(name: string): KeyValueStoreSupplier {
    return { type: "keyValue", name: validateName(name), persistent: true };
  },
  persistentTimestampedKeyValueStore(name: string): KeyValueStoreSupplier {
    return { type: "keyValue", name: validateName(name), persistent: true };
  },
  inMemoryWindowStore(name: string, retentionMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowStoreSupplier {
    return windowSupplier(name, retentionMs, windowSizeMs, retainDuplicates, false);
  },
  persistentWindowStore(name: string, retentionMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowStoreSupplier {
    return windowSupplier(name, retentionMs, windowSizeMs, retainDuplicates, true);
  },
  persistentTimestampedWindowStore(name: string, retentionMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowStoreSupplier {
    return windowSupplier(name, retentionMs, windowSizeMs, retainDuplicates, true);
  },
  inMemorySessionStore(name: string, retentionMs: number): SessionStoreSupplier {
    if (retentionMs < 0) throw new IllegalArgumentException("retentionPeriod cannot be negative");
    return { type: "session", name: validateName(name), persistent: false, retentionMs };
  },
  persistentSessionStore(name: string, retentionMs: number): SessionStoreSupplier {
    if (retentionMs < 0) throw new IllegalArgumentException("retentionPeriod cannot be negative");
    return { type: "session", name: validateName(name), persistent: true, retentionMs };
  },
  keyValueStoreBuilder<K, V>(supplier: KeyValueStoreSupplier, keySerde?: Serde<K>, valueSerde?: Serde<V>): StoreBuilder<KeyValueStore<K, V>> {
    return new KeyValueStoreBuilder(supplier.name, "keyValue", keySerde ?? (DEFAULT_SERDE as Serde<K>), valueSerde ?? (DEFAULT_SERDE as Serde<V>));
  },
  timestampedKeyValueStoreBuilder<K, V>(
    supplier: KeyValueStoreSupplier,
    keySerde?: Serde<K>,
    valueSerde?: Serde<V>,
  ): StoreBuilder<TimestampedKeyValueStore<K, V>> {
    return new KeyValueStoreBuilder<K, ValueAndTimestamp<V>>(
      supplier.name,
      "timestampedKeyValue",
      keySerde ?? (DEFAULT_SERDE as Serde<K>),
      valueAndTimestampSerde(valueSerde ?? (DEFAULT_SERDE as Serde<V>)),
    );
  },
  windowStoreBuilder<K, V>(
    supplier: WindowStoreSupplier,
    keySerde?: Serde<K>,
    valueSerde?: Serde<V>,
    windowOf?: (start: number, size: number) => Window,
  ): StoreBuilder<WindowStore<K, V>> {
    return new WindowStoreBuilder(supplier, "window", keySerde ?? (DEFAULT_SERDE as Serde<K>), valueSerde ?? (DEFAULT_SERDE as Serde<V>), windowOf);
  },
  timestampedWindowStoreBuilder<K, V>(
    supplier: WindowStoreSupplier,
    keySerde?: Serde<K>,
    valueSerde?: Serde<V>,
    windowOf?: (start: number, size: number) => Window,
  ): StoreBuilder<TimestampedWindowStore<K, V>> {
    return new WindowStoreBuilder<K, ValueAndTimestamp<V>>(
      supplier,
      "timestampedWindow",
      keySerde ?? (DEFAULT_SERDE as Serde<K>),
      valueAndTimestampSerde(valueSerde ?? (DEFAULT_SERDE as Serde<V>)),
      windowOf,
    );
  },
  sessionStoreBuilder<K, V>(supplier: SessionStoreSupplier, keySerde?: Serde<K>, valueSerde?: Serde<V>): StoreBuilder<SessionStore<K, V>> {
    return new SessionStoreBuilder(supplier, keySerde ?? (DEFAULT_SERDE as Serde<K>), valueSerde ?? (DEFAULT_SERDE as Serde<V>));
  },
};

export { AbstractStoreBuilder };
