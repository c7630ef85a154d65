import type { KStream } from "./kstream";
import { validateName } from "./named";

/** One branch of `split()`: its name suffix and what to do with the branch stream. */
export class Branched<K = unknown, V = unknown> {
  private constructor(
    readonly name?: string,
    readonly chainFunction?: (branch: KStream<K, V>) => KStream<K, V> | null | undefined,
    readonly chainConsumer?: (branch: KStream<K, V>) => void,
  ) {}

  static as<K = unknown, V = unknown>(name: string): Branched<K, V> {
    return new Branched<K, V>(validateName(name));
  }

  static withFunction<K, V>(chain: (branch: KStream<K, V>) => KStream<K, V> | null | undefined, name?: string): Branched<K, V> {
    return new Branched(name === undefined ? undefined : validateName(name), chain);
  }

  static withConsumer<K, V>(chain: (branch: KStream<K, V>) => void, name?: string): Branched<K, V> {
    return new Branched<K, V>(name === undefined ? undefined : validateName(name), undefined, chain);
  }
}
