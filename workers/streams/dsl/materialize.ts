import { IllegalArgumentException } from "../errors";
import { Materialized } from "../materialized";
import type { Serde } from "../serdes";
import type { StoreBuilder } from "../state/state-store";
import { Stores } from "../state/stores";
import type { Window } from "../windowed";
import type { InternalStreamsBuilder } from "./internal-builder";

/** A Materialized after naming: Kafka's `MaterializedInternal`. */
export interface MaterializedInternal {
  /** Undefined when no name was given and none was generated (the store is then not built). */
  storeName: string | undefined;
  /** A user-given name: the store can be queried and must be built. */
  queryable: boolean;
  keySerde: Serde<unknown> | undefined;
  valueSerde: Serde<unknown> | undefined;
  loggingEnabled: boolean;
  topicConfig: Record<string, string>;
  retentionMs: number | undefined;
}

/**
 * Names the store like Kafka: a user-given name wins; otherwise, when `generatedPrefix`
 * is given, a name is generated from the shared counter (and the counter moves).
 */
export function materializedInternal(
  materialized: Materialized<never, never> | Materialized<unknown, unknown> | undefined,
  builder?: InternalStreamsBuilder,
  generatedPrefix?: string,
): MaterializedInternal {
  const m = (materialized ?? Materialized.with()) as Materialized<unknown, unknown>;
  let storeName = m.storeName;
  const queryable = storeName !== undefined;
  if (!queryable && builder && generatedPrefix !== undefined) storeName = builder.newStoreName(generatedPrefix);
  return {
    storeName,
    queryable,
    keySerde: m.keySerde,
    valueSerde: m.valueSerde,
    loggingEnabled: m.loggingEnabled,
    topicConfig: { ...m.topicConfig },
    retentionMs: m.retentionMs,
  };
}

function withLogging<S extends StoreBuilder>(b: S, m: MaterializedInternal): S {
  if (m.loggingEnabled) b.withLoggingEnabled(m.topicConfig);
  else b.withLoggingDisabled();
  return b;
}

/** Timestamped key-value store, as every DSL table and aggregate uses. */
export function keyValueStoreFor(m: MaterializedInternal, keySerde?: Serde<unknown>, valueSerde?: Serde<unknown>): StoreBuilder {
  return withLogging(Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(m.storeName!), m.keySerde ?? keySerde, m.valueSerde ?? valueSerde), m);
}

/** Window store of a tumbling/hopping or sliding aggregate; retention must cover the window and grace. */
export function windowStoreFor(
  m: MaterializedInternal,
  opts: { windowSizeMs: number; minRetentionMs: number; defaultRetentionMs: number; describe: string; windowOf?: (start: number, size: number) => Window },
  keySerde?: Serde<unknown>,
  valueSerde?: Serde<unknown>,
): StoreBuilder {
  const retention = m.retentionMs ?? opts.defaultRetentionMs;
  if (opts.minRetentionMs > retention) {
    throw new IllegalArgumentException(`The retention period of the window store ${m.storeName} must be no smaller than ${opts.describe}, retention=[${retention}]`);
  }
  return withLogging(
    Stores.timestampedWindowStoreBuilder(
      Stores.inMemoryWindowStore(m.storeName!, retention, opts.windowSizeMs, false),
      m.keySerde ?? keySerde,
      m.valueSerde ?? valueSerde,
      opts.windowOf,
    ),
    m,
  );
}

export function sessionStoreFor(m: MaterializedInternal, gapMs: number, graceMs: number, keySerde?: Serde<unknown>, valueSerde?: Serde<unknown>): StoreBuilder {
  const retention = m.retentionMs ?? gapMs + graceMs;
  if (gapMs + graceMs > retention) {
    throw new IllegalArgumentException(
      `The retention period of the session store ${m.storeName} must be no smaller than the session inactivity gap plus the grace period. Got gap=[${gapMs}], grace=[${graceMs}], retention=[${retention}]`,
    );
  }
  return withLogging(Stores.sessionStoreBuilder(Stores.inMemorySessionStore(m.storeName!, retention), m.keySerde ?? keySerde, m.valueSerde ?? valueSerde), m);
}
