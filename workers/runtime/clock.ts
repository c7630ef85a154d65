/**
 * Time as the engine sees it. Nothing in the engine reads the wall clock directly: the
 * runner and tests drive a {@link VirtualClock}, the workbench plays one at wall speed.
 */
export interface Clock {
  /** Milliseconds since the epoch, as the engine should believe it. */
  now(): number;
}

/** A clock that only moves when told to: deterministic runs and tests. */
export class VirtualClock implements Clock {
  private current: number;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Jump to an absolute time; time never runs backwards. */
  set(time: number): void {
    if (time < this.current) throw new RangeError(`virtual clock cannot go back from ${this.current} to ${time}`);
    this.current = time;
  }
}
