import type { Headers } from "./record";
import type { Serde } from "./serdes";
import { validateName } from "./named";

/** What a timestamp extractor sees: the record as read from its topic, already deserialized. */
export interface ConsumedRecord<K = unknown, V = unknown> {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: K;
  value: V;
  headers: Headers;
}

/** Kafka's `TimestampExtractor`: event time for a record; `partitionTime` is the highest seen so far on its partition (-1 before any). */
export type TimestampExtractor = (record: ConsumedRecord, partitionTime: number) => number;

export type AutoOffsetReset = "earliest" | "latest" | "none";

/** How a source topic is read: serdes, timestamp extractor, source node name. */
export class Consumed<K = unknown, V = unknown> {
  private constructor(
    readonly keySerde?: Serde<K>,
    readonly valueSerde?: Serde<V>,
    readonly timestampExtractor?: TimestampExtractor,
    readonly offsetResetPolicy?: AutoOffsetReset,
    readonly processorName?: string,
  ) {}

  static with<K, V>(keySerde?: Serde<K>, valueSerde?: Serde<V>, timestampExtractor?: TimestampExtractor, offsetReset?: AutoOffsetReset): Consumed<K, V> {
    return new Consumed(keySerde, valueSerde, timestampExtractor, offsetReset);
  }

  static as<K = unknown, V = unknown>(processorName: string): Consumed<K, V> {
    return new Consumed<K, V>(undefined, undefined, undefined, undefined, validateName(processorName));
  }

  withKeySerde<NK>(keySerde: Serde<NK>): Consumed<NK, V> {
    return new Consumed(keySerde, this.valueSerde, this.timestampExtractor, this.offsetResetPolicy, this.processorName);
  }

  withValueSerde<NV>(valueSerde: Serde<NV>): Consumed<K, NV> {
    return new Consumed(this.keySerde, valueSerde, this.timestampExtractor, this.offsetResetPolicy, this.processorName);
  }

  withTimestampExtractor(extractor: TimestampExtractor): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, extractor, this.offsetResetPolicy, this.processorName);
  }

  withOffsetResetPolicy(policy: AutoOffsetReset): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, this.timestampExtractor, policy, this.processorName);
  }

  withName(processorName: string): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, this.timestampExtractor, this.offsetResetPolicy, validateName(processorName));
  }
}
