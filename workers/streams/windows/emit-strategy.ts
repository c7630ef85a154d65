/**
 * When a windowed aggregation emits (KIP-825): on every update (the default) or once per
 * window when it closes (`onWindowClose`), without a separate suppress() buffer.
 */
export class EmitStrategy {
  private constructor(readonly type: "ON_WINDOW_UPDATE" | "ON_WINDOW_CLOSE") {}

  static onWindowUpdate(): EmitStrategy {
    return new EmitStrategy("ON_WINDOW_UPDATE");
  }

  static onWindowClose(): EmitStrategy {
    return new EmitStrategy("ON_WINDOW_CLOSE");
  }
}
