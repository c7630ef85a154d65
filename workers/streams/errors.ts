import { KafkaError } from "../protocol/errors";

/**
 * Kafka Streams reports a malformed topology (unknown store, duplicate node, topics not
 * co-partitioned, bad window sizes) as `TopologyException` and a failure while processing
 * as `StreamsException`. Both stay {@link KafkaError}s so they cross the worker seam like
 * every other engine error, but carry the Streams name a Kafka user would search for.
 */
export class TopologyException extends KafkaError {
  constructor(message: string) {
    super("INVALID_CONFIG", message);
    this.name = "TopologyException";
    this.message = `Invalid topology: ${message}`;
  }
}

/** Where a failed record came from, as Kafka's error message names it. */
export interface FailedRecordOrigin {
  taskId: string;
  processor: string;
  topic: string | null;
  partition: number;
  offset: number;
}

export class StreamsException extends KafkaError {
  readonly origin: FailedRecordOrigin | undefined;
  override readonly cause: unknown;

  constructor(message: string, cause?: unknown, origin?: FailedRecordOrigin) {
    super("ILLEGAL_STATE", message);
    this.name = "StreamsException";
    this.message = message;
    this.cause = cause;
    this.origin = origin;
  }
}

/** Bad arguments to the DSL (negative window sizes, null mappers): Java's IllegalArgumentException. */
export class IllegalArgumentException extends KafkaError {
  constructor(message: string) {
    super("INVALID_CONFIG", message);
    this.name = "IllegalArgumentException";
    this.message = message;
  }
}
