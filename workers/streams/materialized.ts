import type { Serde } from "./serdes";
import { validateName } from "./named";
import { IllegalArgumentException } from "./errors";

export type StoreType = "IN_MEMORY" | "ROCKS_DB";

/**
 * How an operator's state store is built: its name (queryable, and the changelog
 * `<application.id>-<name>-changelog`), serdes, retention, logging. Caching flags are
 * accepted for compatibility; the engine never caches (every update is emitted).
 */
export class Materialized<K = unknown, V = unknown> {
  private constructor(
    readonly storeName: string | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly loggingEnabled: boolean,
    readonly topicConfig: Readonly<Record<string, string>>,
    readonly cachingEnabled: boolean,
    readonly retentionMs: number | undefined,
    readonly storeType: StoreType | undefined,
  ) {}

  private copy(patch: Partial<{ [P in keyof Materialized<K, V>]: Materialized<K, V>[P] }>): Materialized<K, V> {
    return new Materialized<K, V>(
      "storeName" in patch ? patch.storeName : this.storeName,
      "keySerde" in patch ? patch.keySerde : this.keySerde,
      "valueSerde" in patch ? patch.valueSerde : this.valueSerde,
      patch.loggingEnabled ?? this.loggingEnabled,
      patch.topicConfig ?? this.topicConfig,
      patch.cachingEnabled ?? this.cachingEnabled,
      "retentionMs" in patch ? patch.retentionMs : this.retentionMs,
      "storeType" in patch ? patch.storeType : this.storeType,
    );
  }

  /** `Materialized.as("store-name")`, or `Materialized.as("IN_MEMORY")`-style store type. */
  static as<K = unknown, V = unknown>(storeNameOrType: string): Materialized<K, V> {
    if (storeNameOrType === "IN_MEMORY" || storeNameOrType === "ROCKS_DB") {
      return new Materialized<K, V>(undefined, undefined, undefined, true, {}, true, undefined, storeNameOrType);
    }
    return new Materialized<K, V>(validateName(storeNameOrType), undefined, undefined, true, {}, true, undefined, undefined);
  }

  static with<K, V>(keySerde?: Serde<K>, valueSerde?: Serde<V>): Materialized<K, V> {
    return new Materialized<K, V>(undefined, keySerde, valueSerde, true, {}, true, undefined, undefined);
  }

  withKeySerde<NK>(keySerde: Serde<NK>): Materialized<NK, V> {
    return (this as unknown as Materialized<NK, V>).copy({ keySerde });
  }

  withValueSerde<NV>(valueSerde: Serde<NV>): Materialized<K, NV> {
    return (this as unknown as Materialized<K, NV>).copy({ valueSerde });
  }

  withRetention(retentionMs: number): Materialized<K, V> {
    if (!(retentionMs >= 0)) throw new IllegalArgumentException("Retention must not be negative.");
    return this.copy({ retentionMs });
  }

  withLoggingEnabled(topicConfig: Record<string, string> = {}): Materialized<K, V> {
    return this.copy({ loggingEnabled: true, topicConfig: { ...topicConfig } });
  }

  withLoggingDisabled(): Materialized<K, V> {
    return this.copy({ loggingEnabled: false, topicConfig: {} });
  }

  withCachingEnabled(): Materialized<K, V> {
    return this.copy({ cachingEnabled: true });
  }

  withCachingDisabled(): Materialized<K, V> {
    return this.copy({ cachingEnabled: false });
  }

  withStoreType(storeType: StoreType): Materialized<K, V> {
    return this.copy({ storeType });
  }
}
