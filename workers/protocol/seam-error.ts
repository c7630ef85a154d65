/**
 * Errors crossing the worker seam. Structured clone keeps only an Error's message, so a
 * KafkaError's name (what users look up) would be lost on the way to the UI. The worker
 * throws the plain `{ type, message }` of `KafkaError.toJSON()` instead, and the client
 * turns it back into a KafkaError with the same type and message.
 */
import { KafkaError, errorCode, type KafkaErrorName } from "./errors";

export interface SeamError {
  type: KafkaErrorName;
  message: string;
}

function hasErrorType(type: unknown): type is KafkaErrorName {
  if (typeof type !== "string") return false;
  try {
    // Kafka's error table has no entry (and so no code) for a name that is not an error.
    return typeof errorCode(type as KafkaErrorName) === "number";
  } catch {
    return false;
  }
}

export function isSeamError(value: unknown): value is SeamError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { type?: unknown; message?: unknown };
  return hasErrorType(v.type) && typeof v.message === "string";
}

/** What the worker throws across the seam: KafkaErrors as they are, anything else as UNKNOWN_SERVER_ERROR. */
export function toSeamError(error: unknown): SeamError {
  if (error instanceof KafkaError) return error.toJSON();
  if (isSeamError(error)) return { type: error.type, message: error.message };
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { type: "UNKNOWN_SERVER_ERROR", message: `UNKNOWN_SERVER_ERROR: ${message}` };
}

/**
 * The KafkaError a seam error stood for, with the same type and message. Values that are
 * not seam errors (a dead worker, a clone failure) come back as they were if Errors, else
 * wrapped in one.
 */
export function fromSeamError(value: unknown): Error {
  if (!isSeamError(value)) return value instanceof Error ? value : new Error(String(value));
  const prefix = `${value.type}: `;
  const bare = value.message.startsWith(prefix) ? value.message.slice(prefix.length) : value.message;
  return new KafkaError(value.type, bare);
}
