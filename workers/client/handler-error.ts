/** An error thrown by the application's handler, kept apart from the consumer's own failures. */
export class HandlerError extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "HandlerError";
  }
}
