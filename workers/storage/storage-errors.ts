/**
 * The errors every storage raises, worded once so that memory, node-fs and OPFS fail the
 * same way for the same mistake and the conformance suite can hold them to it. Each names
 * the path, because "file not found" without the file is useless in a broker with
 * thousands of segments.
 */
import { KafkaError } from "../protocol/errors";

export function noSuchFile(path: string): KafkaError {
  return new KafkaError("KAFKA_STORAGE_ERROR", `no such file: "${path}"`);
}

export function isADirectory(path: string): KafkaError {
  return new KafkaError("KAFKA_STORAGE_ERROR", `"${path}" is a directory, not a file`);
}

export function notADirectory(path: string): KafkaError {
  return new KafkaError("KAFKA_STORAGE_ERROR", `"${path}" is not a directory: a file stands at or above it`);
}

/** A backend failure with no better name (disk full, permission, I/O error). */
export function storageFailure(operation: string, path: string, cause: unknown): KafkaError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const error = new KafkaError("KAFKA_STORAGE_ERROR", `${operation} "${path}" failed: ${detail}`);
  error.cause = cause;
  return error;
}

/** Using a handle after close, or renaming/removing/reopening a file that is open. */
export function illegalFileState(path: string, why: string): KafkaError {
  return new KafkaError("ILLEGAL_STATE", `file "${path}": ${why}`);
}
