import type { Serde } from "./serdes";
import { validateName } from "./named";

/**
 * Kafka's `StreamPartitioner`: the partition for a record, or `undefined` to fall back to
 * the default partitioner (murmur2 of the serialized key).
 */
export type StreamPartitioner<K, V> = (topic: string, key: K, value: V, numPartitions: number) => number | undefined;

/** How a sink writes: serdes, partitioner, sink node name. */
export class Produced<K = unknown, V = unknown> {
  private constructor(
    readonly keySerde?: Serde<K>,
    readonly valueSerde?: Serde<V>,
    readonly partitioner?: StreamPartitioner<K, V>,
    readonly processorName?: string,
  ) {}

  static with<K, V>(keySerde?: Serde<K>, valueSerde?: Serde<V>, partitioner?: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced(keySerde, valueSerde, partitioner);
  }

  static as<K = unknown, V = unknown>(processorName: string): Produced<K, V> {
    return new Produced<K, V>(undefined, undefined, undefined, validateName(processorName));
  }

  static keySerde<K, V = unknown>(keySerde: Serde<K>): Produced<K, V> {
    return new Produced<K, V>(keySerde);
  }

  static valueSerde<V, K = unknown>(valueSerde: Serde<V>): Produced<K, V> {
    return new Produced<K, V>(undefined, valueSerde);
  }

  static streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced<K, V>(undefined, undefined, partitioner);
  }

  withKeySerde<NK>(keySerde: Serde<NK>): Produced<NK, V> {
    return new Produced(keySerde, this.valueSerde, this.partitioner as StreamPartitioner<NK, V> | undefined, this.processorName);
  }

  withValueSerde<NV>(valueSerde: Serde<NV>): Produced<K, NV> {
    return new Produced(this.keySerde, valueSerde, this.partitioner as StreamPartitioner<K, NV> | undefined, this.processorName);
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced(this.keySerde, this.valueSerde, partitioner, this.processorName);
  }

  withName(processorName: string): Produced<K, V> {
    return new Produced(this.keySerde, this.valueSerde, this.partitioner, validateName(processorName));
  }
}
