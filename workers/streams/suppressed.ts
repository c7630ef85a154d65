import { IllegalArgumentException } from "./errors";
import { validateName } from "./named";

export type BufferFullStrategy = "EMIT" | "SHUT_DOWN";

/** How much a suppress() buffer may hold and what happens when it is full. */
export class BufferConfig {
  private constructor(
    readonly maxRecords: number,
    readonly maxBytes: number,
    readonly fullStrategy: BufferFullStrategy,
    readonly loggingEnabled: boolean,
  ) {}

  /** No limit: the buffer never has to emit early (the only choice for final results, with shutDownWhenFull). */
  static unbounded(): BufferConfig {
    return new BufferConfig(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, "SHUT_DOWN", true);
  }

  static maxRecords(n: number): BufferConfig {
    return new BufferConfig(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, "EMIT", true).withMaxRecords(n);
  }

  static maxBytes(n: number): BufferConfig {
    return new BufferConfig(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, "EMIT", true).withMaxBytes(n);
  }

  withMaxRecords(n: number): BufferConfig {
    if (!(n >= 0)) throw new IllegalArgumentException(`maxRecords must not be negative, got ${n}`);
    return new BufferConfig(n, this.maxBytes, this.fullStrategy, this.loggingEnabled);
  }

  withMaxBytes(n: number): BufferConfig {
    if (!(n >= 0)) throw new IllegalArgumentException(`maxBytes must not be negative, got ${n}`);
    return new BufferConfig(this.maxRecords, n, this.fullStrategy, this.loggingEnabled);
  }

  withNoBound(): BufferConfig {
    return new BufferConfig(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, this.fullStrategy, this.loggingEnabled);
  }

  /** Fail the application rather than emit early: keeps final results strictly final. */
  shutDownWhenFull(): BufferConfig {
    return new BufferConfig(this.maxRecords, this.maxBytes, "SHUT_DOWN", this.loggingEnabled);
  }

  emitEarlyWhenFull(): BufferConfig {
    return new BufferConfig(this.maxRecords, this.maxBytes, "EMIT", this.loggingEnabled);
  }

  withLoggingDisabled(): BufferConfig {
    return new BufferConfig(this.maxRecords, this.maxBytes, this.fullStrategy, false);
  }

  withLoggingEnabled(): BufferConfig {
    return new BufferConfig(this.maxRecords, this.maxBytes, this.fullStrategy, true);
  }
}

/**
 * KTable.suppress(): hold back updates. `untilWindowCloses` emits each window's final
 * result once stream time reaches window end + grace; `untilTimeLimit` emits the latest
 * value of a key once stream time is `timeToWaitMs` past the first buffered update.
 */
export class Suppressed {
  private constructor(
    readonly kind: "untilWindowCloses" | "untilTimeLimit",
    readonly bufferConfig: BufferConfig,
    readonly timeToWaitMs: number,
    readonly name: string | undefined,
  ) {}

  static untilWindowCloses(bufferConfig: BufferConfig): Suppressed {
    if (bufferConfig.fullStrategy !== "SHUT_DOWN") {
      throw new IllegalArgumentException("untilWindowCloses needs a strict buffer: use BufferConfig.unbounded() or shutDownWhenFull()");
    }
    return new Suppressed("untilWindowCloses", bufferConfig, 0, undefined);
  }

  static untilTimeLimit(timeToWaitMs: number, bufferConfig: BufferConfig): Suppressed {
    if (!(timeToWaitMs >= 0)) throw new IllegalArgumentException(`time to wait must not be negative, got ${timeToWaitMs}`);
    return new Suppressed("untilTimeLimit", bufferConfig, timeToWaitMs, undefined);
  }

  withName(name: string): Suppressed {
    return new Suppressed(this.kind, this.bufferConfig, this.timeToWaitMs, validateName(name));
  }
}
