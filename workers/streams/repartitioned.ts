import type { Serde } from "./serdes";
import type { StreamPartitioner } from "./produced";
import { validateName } from "./named";
import { IllegalArgumentException } from "./errors";

/** Options of `KStream.repartition()`: topic name, serdes, partition count, partitioner. */
export class Repartitioned<K = unknown, V = unknown> {
  private constructor(
    readonly name?: string,
    readonly keySerde?: Serde<K>,
    readonly valueSerde?: Serde<V>,
    readonly numberOfPartitions?: number,
    readonly partitioner?: StreamPartitioner<K, V>,
  ) {}

  static as<K = unknown, V = unknown>(name: string): Repartitioned<K, V> {
    return new Repartitioned<K, V>(validateName(name));
  }

  static with<K, V>(keySerde?: Serde<K>, valueSerde?: Serde<V>): Repartitioned<K, V> {
    return new Repartitioned(undefined, keySerde, valueSerde);
  }

  static numberOfPartitions<K = unknown, V = unknown>(n: number): Repartitioned<K, V> {
    return new Repartitioned<K, V>().withNumberOfPartitions(n);
  }

  static streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return new Repartitioned<K, V>(undefined, undefined, undefined, undefined, partitioner);
  }

  withName(name: string): Repartitioned<K, V> {
    return new Repartitioned(validateName(name), this.keySerde, this.valueSerde, this.numberOfPartitions, this.partitioner);
  }

  withNumberOfPartitions(n: number): Repartitioned<K, V> {
    if (!Number.isInteger(n) || n <= 0) throw new IllegalArgumentException(`Number of partitions must be a positive integer, got ${n}`);
    return new Repartitioned(this.name, this.keySerde, this.valueSerde, n, this.partitioner);
  }

  withKeySerde<NK>(keySerde: Serde<NK>): Repartitioned<NK, V> {
    return new Repartitioned(this.name, keySerde, this.valueSerde, this.numberOfPartitions, this.partitioner as StreamPartitioner<NK, V> | undefined);
  }

  withValueSerde<NV>(valueSerde: Serde<NV>): Repartitioned<K, NV> {
    return new Repartitioned(this.name, this.keySerde, valueSerde, this.numberOfPartitions, this.partitioner as StreamPartitioner<K, NV> | undefined);
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return new Repartitioned(this.name, this.keySerde, this.valueSerde, this.numberOfPartitions, partitioner);
  }
}
