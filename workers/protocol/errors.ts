/**
 * Kafka's error vocabulary, one table: the names and codes of Kafka's protocol errors
 * (`org.apache.kafka.common.protocol.Errors`), plus the few client-side exceptions a Kafka
 * user meets by name. Every error the engine raises for bad input is a {@link KafkaError}
 * from this table, so its name survives the worker seam and shows up where users look.
 */
const TABLE = {
  UNKNOWN_SERVER_ERROR: { code: -1, retriable: false },
  OFFSET_OUT_OF_RANGE: { code: 1, retriable: false },
  CORRUPT_MESSAGE: { code: 2, retriable: true },
  UNKNOWN_TOPIC_OR_PARTITION: { code: 3, retriable: true },
  INVALID_FETCH_SIZE: { code: 4, retriable: false },
  NOT_LEADER_OR_FOLLOWER: { code: 6, retriable: true },
  REQUEST_TIMED_OUT: { code: 7, retriable: true },
  MESSAGE_TOO_LARGE: { code: 10, retriable: false },
  COORDINATOR_NOT_AVAILABLE: { code: 15, retriable: true },
  NOT_COORDINATOR: { code: 16, retriable: true },
  INVALID_TOPIC_EXCEPTION: { code: 17, retriable: false },
  RECORD_LIST_TOO_LARGE: { code: 18, retriable: false },
  NOT_ENOUGH_REPLICAS: { code: 19, retriable: true },
  INVALID_REQUIRED_ACKS: { code: 21, retriable: false },
  ILLEGAL_GENERATION: { code: 22, retriable: false },
  INCONSISTENT_GROUP_PROTOCOL: { code: 23, retriable: false },
  INVALID_GROUP_ID: { code: 24, retriable: false },
  UNKNOWN_MEMBER_ID: { code: 25, retriable: false },
  INVALID_SESSION_TIMEOUT: { code: 26, retriable: false },
  REBALANCE_IN_PROGRESS: { code: 27, retriable: false },
  INVALID_COMMIT_OFFSET_SIZE: { code: 28, retriable: false },
  INVALID_TIMESTAMP: { code: 32, retriable: false },
  UNSUPPORTED_VERSION: { code: 35, retriable: false },
  TOPIC_ALREADY_EXISTS: { code: 36, retriable: false },
  INVALID_PARTITIONS: { code: 37, retriable: false },
  INVALID_REPLICATION_FACTOR: { code: 38, retriable: false },
  INVALID_CONFIG: { code: 40, retriable: false },
  INVALID_REQUEST: { code: 42, retriable: false },
  OUT_OF_ORDER_SEQUENCE_NUMBER: { code: 45, retriable: false },
  DUPLICATE_SEQUENCE_NUMBER: { code: 46, retriable: false },
  INVALID_PRODUCER_EPOCH: { code: 47, retriable: false },
  INVALID_TXN_STATE: { code: 48, retriable: false },
  INVALID_PRODUCER_ID_MAPPING: { code: 49, retriable: false },
  INVALID_TRANSACTION_TIMEOUT: { code: 50, retriable: false },
  CONCURRENT_TRANSACTIONS: { code: 51, retriable: true },
  KAFKA_STORAGE_ERROR: { code: 56, retriable: true },
  UNKNOWN_PRODUCER_ID: { code: 59, retriable: false },
  NON_EMPTY_GROUP: { code: 68, retriable: false },
  GROUP_ID_NOT_FOUND: { code: 69, retriable: false },
  MEMBER_ID_REQUIRED: { code: 79, retriable: false },
  GROUP_MAX_SIZE_REACHED: { code: 81, retriable: false },
  FENCED_INSTANCE_ID: { code: 82, retriable: false },
  INVALID_RECORD: { code: 87, retriable: false },
  UNSTABLE_OFFSET_COMMIT: { code: 88, retriable: true },
  PRODUCER_FENCED: { code: 90, retriable: false },
  TRANSACTIONAL_ID_NOT_FOUND: { code: 105, retriable: false },
  // Client-side exceptions (no protocol code): named as the Java client names them.
  NO_OFFSET_FOR_PARTITION: { code: -2, retriable: false },
  COMMIT_FAILED: { code: -3, retriable: false },
  RECORD_TOO_LARGE: { code: -4, retriable: false },
  ILLEGAL_STATE: { code: -5, retriable: false },
  /** Another tab of this origin owns the broker's files. */
  STORAGE_LOCKED: { code: -6, retriable: true },
} as const satisfies Record<string, { code: number; retriable: boolean }>;

export type KafkaErrorName = keyof typeof TABLE;

export class KafkaError extends Error {
  readonly type: KafkaErrorName;
  readonly code: number;
  readonly retriable: boolean;

  constructor(type: KafkaErrorName, message: string) {
    super(`${type}: ${message}`);
    this.name = "KafkaError";
    this.type = type;
    this.code = TABLE[type].code;
    this.retriable = TABLE[type].retriable;
  }

  /** A plain object that survives structured clone (the worker seam). */
  toJSON(): { type: KafkaErrorName; message: string } {
    return { type: this.type, message: this.message };
  }
}

export function isKafkaError(e: unknown, type?: KafkaErrorName): e is KafkaError {
  return e instanceof KafkaError && (type === undefined || e.type === type);
}

export function errorCode(type: KafkaErrorName): number {
  return TABLE[type].code;
}
