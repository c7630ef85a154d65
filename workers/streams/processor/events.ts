/** A window as the UI draws it; time windows are [start, end), session and sliding [start, end]. */
export interface WindowBounds {
  start: number;
  end: number;
}

/**
 * What a running topology tells the UI, one event per fact; the worker batches them per
 * animation frame. Keys and values are the topology's JS values.
 */
export type StreamsEvent =
  /** A node handled a record; `total` counts all records it has handled in this task. */
  | { type: "node-processed"; taskId: string; node: string; total: number }
  /** A record updated a window (one event per window it entered). */
  | { type: "window-update"; taskId: string; node: string; key: unknown; window: WindowBounds; value: unknown; timestamp: number }
  /** Stream time passed a window's close time (end + grace): it accepts no more records. */
  | { type: "window-closed"; taskId: string; node: string; key: unknown; window: WindowBounds; value: unknown; closeTime: number }
  /** A record came too late for a window (beyond grace) and was dropped, and counted. */
  | {
      type: "late-record-dropped";
      taskId: string;
      node: string;
      key: unknown;
      timestamp: number;
      window: WindowBounds;
      streamTime: number;
      closeTime: number;
    }
  /** A record was skipped for another reason (null key, null value...), and counted. */
  | { type: "record-dropped"; taskId: string; node: string; reason: string; key?: unknown; timestamp?: number }
  /** A state store changed. */
  | { type: "store-update"; taskId: string; store: string; key: unknown; value: unknown; timestamp: number; window?: WindowBounds }
  /** Sessions of one key were merged into one because a record bridged them. */
  | { type: "session-merged"; taskId: string; node: string; key: unknown; merged: WindowBounds[]; into: WindowBounds }
  /** suppress() released a buffered result. */
  | { type: "suppress-emitted"; taskId: string; node: string; key: unknown; value: unknown; timestamp: number }
  /** A punctuation ran. */
  | { type: "punctuation"; taskId: string; node: string; punctuationType: string; timestamp: number };

export type StreamsEventListener = (event: StreamsEvent) => void;
