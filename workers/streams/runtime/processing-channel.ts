/**
 * How the host reaches its processing runtime: in the same thread (tests, benchmarks) or in
 * a worker under the watchdog (worker-channel.ts). Requests go one at a time, in order, and
 * every reply is awaited before the next request: that is what makes a run deterministic.
 */
import type { Progress } from "./processing-runtime";
import { ProcessingRuntime } from "./processing-runtime";
import type { RuntimeReply, RuntimeRequest } from "./protocol";

export interface ChannelRequestOptions {
  /** Names what a request was working on when the watchdog had to end it (progress = record index). */
  describe?: (progress: number | undefined) => string;
  /** Wall-clock deadline of this request, instead of the channel's. */
  deadlineMs?: number;
  /** Buffers that move to the runtime with the request (its packed records). */
  transfer?: ArrayBuffer[];
}

export interface ProcessingChannel {
  /** Whether records should cross packed into one transferred buffer (a worker) rather than as objects (the same thread). */
  readonly packs: boolean;
  request<R extends RuntimeReply>(request: RuntimeRequest, options?: ChannelRequestOptions): Promise<R>;
  /** Ends the processing side at once; requests under way fail. */
  terminate(): void;
}

/** Makes a fresh processing side for one application instance. */
export type ProcessingChannelFactory = (applicationId: string) => ProcessingChannel;

const NO_PROGRESS: Progress = { mark() {} };

/**
 * The runtime in the host's own thread. Nothing protects the host from a runaway topology
 * here, so only code the host trusts (tests, benchmarks) runs this way.
 */
export class InProcessChannel implements ProcessingChannel {
  readonly packs = false;
  private terminated = false;

  constructor(readonly runtime: Pick<ProcessingRuntime, "handle" | "close"> = new ProcessingRuntime()) {}

  async request<R extends RuntimeReply>(request: RuntimeRequest): Promise<R> {
    if (this.terminated) throw new Error("the processing runtime was stopped");
    return this.runtime.handle(request, NO_PROGRESS) as R;
  }

  terminate(): void {
    this.terminated = true;
    this.runtime.close();
  }
}
