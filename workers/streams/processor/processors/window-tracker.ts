import type { InternalProcessorContext } from "../processor-context";
import type { WindowBounds } from "../events";

interface OpenWindow {
  key: unknown;
  window: WindowBounds;
  value: unknown;
}

/**
 * Remembers the windows an aggregate has touched so it can tell the UI when each one
 * closes (stream time passing its end + grace). Only used while someone listens.
 */
export class WindowCloseTracker {
  private readonly open = new Map<string, OpenWindow>();

  constructor(
    /** Whether a window with this end is closed at this close time. */
    private readonly isClosed: (windowEnd: number, closeTime: number) => boolean,
  ) {}

  private id(key: unknown, window: WindowBounds): string {
    return `${JSON.stringify(key)}@${window.start}/${window.end}`;
  }

  update(context: InternalProcessorContext, key: unknown, window: WindowBounds, value: unknown): void {
    if (!context.hasListener()) return;
    if (value === null) this.open.delete(this.id(key, window));
    else this.open.set(this.id(key, window), { key, window, value });
  }

  advance(context: InternalProcessorContext, closeTime: number): void {
    if (!context.hasListener() || this.open.size === 0) return;
    const closed: Array<[string, OpenWindow]> = [];
    for (const entry of this.open) if (this.isClosed(entry[1].window.end, closeTime)) closed.push(entry);
    closed.sort((a, b) => a[1].window.end - b[1].window.end || a[1].window.start - b[1].window.start);
    for (const [id, w] of closed) {
      this.open.delete(id);
      context.emitEvent({
        type: "window-closed",
        taskId: context.taskId(),
        node: context.nodeName(),
        key: w.key,
        window: w.window,
        value: w.value,
        closeTime,
      });
    }
  }
}
