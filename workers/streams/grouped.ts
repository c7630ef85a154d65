import type { Serde } from "./serdes";
import { validateName } from "./named";

/**
 * How a grouping repartitions: serdes for the repartition topic and an optional name, which
 * becomes the repartition topic `<application.id>-<name>-repartition` and its node names.
 */
export class Grouped<K = unknown, V = unknown> {
  private constructor(
    readonly name?: string,
    readonly keySerde?: Serde<K>,
    readonly valueSerde?: Serde<V>,
  ) {}

  static as<K = unknown, V = unknown>(name: string): Grouped<K, V> {
    return new Grouped<K, V>(validateName(name));
  }

  /** `Grouped.with(keySerde, valueSerde)` or `Grouped.with(name, keySerde, valueSerde)`. */
  static with<K, V>(keySerde?: Serde<K>, valueSerde?: Serde<V>): Grouped<K, V>;
  static with<K, V>(name: string, keySerde?: Serde<K>, valueSerde?: Serde<V>): Grouped<K, V>;
  static with<K, V>(a?: string | Serde<K>, b?: Serde<K> | Serde<V>, c?: Serde<V>): Grouped<K, V> {
    if (typeof a === "string") return new Grouped(validateName(a), b as Serde<K> | undefined, c);
    return new Grouped(undefined, a, b as Serde<V> | undefined);
  }

  static keySerde<K, V = unknown>(keySerde: Serde<K>): Grouped<K, V> {
    return new Grouped<K, V>(undefined, keySerde);
  }

  static valueSerde<V, K = unknown>(valueSerde: Serde<V>): Grouped<K, V> {
    return new Grouped<K, V>(undefined, undefined, valueSerde);
  }

  withName(name: string): Grouped<K, V> {
    return new Grouped(validateName(name), this.keySerde, this.valueSerde);
  }

  withKeySerde<NK>(keySerde: Serde<NK>): Grouped<NK, V> {
    return new Grouped(this.name, keySerde, this.valueSerde);
  }

  withValueSerde<NV>(valueSerde: Serde<NV>): Grouped<K, NV> {
    return new Grouped(this.name, this.keySerde, valueSerde);
  }
}
