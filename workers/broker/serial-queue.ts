/**
 * Runs async operations on one partition one at a time, in call order. A partition log
 * has one writer (DESIGN.md seam 5), but its operations await storage (rolling a segment
 * opens files), so appends, truncation, retention and the cleaner's swap must not
 * interleave.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(op: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(op, op);
    // Keep the chain alive whatever the outcome; the caller sees the real result.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once everything queued so far has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
