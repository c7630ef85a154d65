/**
 * One broker per origin (DESIGN.md seam 5). All tabs of an origin share one private file
 * system, and two brokers appending to the same segments would corrupt them, so whoever
 * starts a broker first takes a Web Lock and keeps it for the broker's lifetime. The
 * browser releases it when the holding tab or worker goes away, crash included, which is
 * exactly when a waiting tab may take over. This uses `navigator.locks`, so it lives in
 * runtime/; importing it touches no global, so Node can load the module.
 */
import { KafkaError } from "../protocol/errors";

export const BROKER_LOCK_NAME = "streamlab-broker";

export interface OriginLock {
  /** Let the next tab in; calling it again does nothing. */
  release(): void;
}

export interface OriginLockHeldElsewhere {
  heldBy: "another-tab";
}

/** Take the lock if nobody holds it; otherwise say so at once instead of queueing. */
export function acquireOriginLock(name = BROKER_LOCK_NAME): Promise<OriginLock | OriginLockHeldElsewhere> {
  return new Promise((resolve, reject) => {
    lockManager()
      .request(name, { ifAvailable: true }, (lock) => {
        if (lock === null) {
          resolve({ heldBy: "another-tab" });
          return undefined;
        }
        return holdUntilReleased(resolve);
      })
      .catch(reject);
  });
}

/**
 * Queue for the lock and resolve once this tab holds it: when the owner releases it,
 * closes or crashes. Aborting `signal` before then leaves the queue and rejects with the
 * signal's reason; after the lock is granted the signal no longer matters.
 */
export function waitForOriginLock(name = BROKER_LOCK_NAME, signal?: AbortSignal): Promise<OriginLock> {
  return new Promise((resolve, reject) => {
    lockManager()
      .request(name, signal === undefined ? {} : { signal }, () => holdUntilReleased(resolve))
      .catch(reject);
  });
}

/** The Web Locks API keeps a lock until the promise its callback returned settles. */
function holdUntilReleased(resolve: (lock: OriginLock) => void): Promise<void> {
  return new Promise<void>((letGo) => {
    resolve({ release: () => letGo() });
  });
}

function lockManager(): LockManager {
  const locks = typeof navigator === "undefined" ? undefined : (navigator.locks as LockManager | undefined);
  if (locks === undefined) {
    throw new KafkaError(
      "ILLEGAL_STATE",
      "the Web Locks API is unavailable (it needs a secure context: https or localhost), so this tab cannot make sure it is the only one owning streamlab's files",
    );
  }
  return locks;
}
