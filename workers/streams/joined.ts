import type { Serde } from "./serdes";
import { validateName } from "./named";

/** Options of a stream-table join: serdes for a repartition before the join, and a processor name. */
export class Joined<K = unknown, V = unknown, VO = unknown> {
  private constructor(
    readonly keySerde?: Serde<K>,
    readonly valueSerde?: Serde<V>,
    readonly otherValueSerde?: Serde<VO>,
    readonly name?: string,
  ) {}

  static with<K, V, VO>(keySerde?: Serde<K>, valueSerde?: Serde<V>, otherValueSerde?: Serde<VO>, name?: string): Joined<K, V, VO> {
    return new Joined(keySerde, valueSerde, otherValueSerde, name === undefined ? undefined : validateName(name));
  }

  static as<K = unknown, V = unknown, VO = unknown>(name: string): Joined<K, V, VO> {
    return new Joined<K, V, VO>(undefined, undefined, undefined, validateName(name));
  }

  withName(name: string): Joined<K, V, VO> {
    return new Joined(this.keySerde, this.valueSerde, this.otherValueSerde, validateName(name));
  }
}

/**
 * Options of a stream-stream join: serdes, a base name for the processors and repartition
 * topics (`withName`), and a base name for the two window stores (`withStoreName`).
 */
export class StreamJoined<K = unknown, V = unknown, VO = unknown> {
  private constructor(
    readonly keySerde?: Serde<K>,
    readonly valueSerde?: Serde<V>,
    readonly otherValueSerde?: Serde<VO>,
    readonly name?: string,
    readonly storeName?: string,
    readonly loggingEnabled = true,
  ) {}

  static with<K, V, VO>(keySerde?: Serde<K>, valueSerde?: Serde<V>, otherValueSerde?: Serde<VO>): StreamJoined<K, V, VO> {
    return new StreamJoined(keySerde, valueSerde, otherValueSerde);
  }

  static as<K = unknown, V = unknown, VO = unknown>(storeName: string): StreamJoined<K, V, VO> {
    return new StreamJoined<K, V, VO>(undefined, undefined, undefined, undefined, validateName(storeName));
  }

  withName(name: string): StreamJoined<K, V, VO> {
    return new StreamJoined(this.keySerde, this.valueSerde, this.otherValueSerde, validateName(name), this.storeName, this.loggingEnabled);
  }

  withStoreName(storeName: string): StreamJoined<K, V, VO> {
    return new StreamJoined(this.keySerde, this.valueSerde, this.otherValueSerde, this.name, validateName(storeName), this.loggingEnabled);
  }

  withLoggingDisabled(): StreamJoined<K, V, VO> {
    return new StreamJoined(this.keySerde, this.valueSerde, this.otherValueSerde, this.name, this.storeName, false);
  }

  withLoggingEnabled(): StreamJoined<K, V, VO> {
    return new StreamJoined(this.keySerde, this.valueSerde, this.otherValueSerde, this.name, this.storeName, true);
  }
}
