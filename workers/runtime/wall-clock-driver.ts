/**
 * Plays the engine's virtual time at wall speed (DESIGN.md seam 3). The engine's clock
 * moves only when told to; in the workbench this driver tells it, every ~16 ms, to move
 * by the wall time that passed times the chosen speed. Paused, nothing moves at all: no
 * retention check, no linger timer, no session timeout — the whole engine is frozen.
 *
 * Advances never overlap. While one is running (a retention pass can take a while),
 * ticks only accumulate the time owed and the next free tick pays it in one advance, so
 * virtual time keeps up with the wall without queueing work behind slow passes. Virtual
 * time moves in whole milliseconds (record timestamps are integers); the fraction a slow
 * speed leaves over is carried to the next tick.
 */
import { KafkaError } from "../protocol/errors";

export const MIN_SPEED = 0.1;
export const MAX_SPEED = 100;
export const TICK_MS = 16;
/**
 * The most wall time one advance may catch up on. When the engine cannot keep pace (a
 * generator at 20,000 records/s on a busy machine), virtual time falls behind the wall
 * instead of piling into ever longer advances, so pause and step answer at once.
 */
export const MAX_CATCH_UP_MS = 250;

export interface ClockState {
  /** Virtual time now, ms since the epoch. */
  now: number;
  playing: boolean;
  speed: number;
}

export interface WallClockDriverOptions {
  /** Move the engine's clock by `ms` and finish what fell due (Engine.advance). */
  advance(ms: number): Promise<void>;
  /** The engine's virtual time. */
  now(): number;
  /** Monotonic wall time in ms; default `performance.now()`. */
  wallNow?: () => number;
  /** Run `task` after `ms` of wall time; returns a cancel. Default `setTimeout`. */
  setTimer?: (task: () => void, ms: number) => () => void;
  tickMs?: number;
  speed?: number;
  /** Start playing at once (default true). */
  playing?: boolean;
  /** A failed advance while playing (a step's failure goes to its caller instead). */
  onError?: (error: unknown) => void;
}

function defaultTimer(task: () => void, ms: number): () => void {
  const id = setTimeout(task, ms);
  return () => clearTimeout(id);
}

export function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed < MIN_SPEED || speed > MAX_SPEED) {
    throw new KafkaError("INVALID_REQUEST", `clock speed must be between ${MIN_SPEED}× and ${MAX_SPEED}×, got ${speed}`);
  }
  return speed;
}

export class WallClockDriver {
  private readonly advanceEngine: (ms: number) => Promise<void>;
  private readonly virtualNow: () => number;
  private readonly wallNow: () => number;
  private readonly setTimer: (task: () => void, ms: number) => () => void;
  private readonly tickMs: number;
  private readonly onError: (error: unknown) => void;
  private currentSpeed: number;
  private isPlaying = false;
  private disposed = false;
  private lastWall = 0;
  /** Virtual ms owed but not yet advanced (fractions, and time that passed during an advance). */
  private owed = 0;
  private cancelTimer: (() => void) | undefined;
  /** Every advance, tick or step, runs after the previous one. */
  private chain: Promise<void> = Promise.resolve();
  private running = 0;

  constructor(options: WallClockDriverOptions) {
    this.advanceEngine = options.advance;
    this.virtualNow = options.now;
    this.wallNow = options.wallNow ?? (() => performance.now());
    this.setTimer = options.setTimer ?? defaultTimer;
    this.tickMs = options.tickMs ?? TICK_MS;
    this.onError = options.onError ?? (() => {});
    this.currentSpeed = checkSpeed(options.speed ?? 1);
    if (options.playing ?? true) this.play();
  }

  get speed(): number {
    return this.currentSpeed;
  }

  get playing(): boolean {
    return this.isPlaying;
  }

  now(): number {
    return this.virtualNow();
  }

  state(): ClockState {
    return { now: this.virtualNow(), playing: this.isPlaying, speed: this.currentSpeed };
  }

  play(): void {
    if (this.disposed || this.isPlaying) return;
    this.isPlaying = true;
    this.lastWall = this.wallNow();
    this.owed = 0;
    this.arm();
  }

  /** Stop the clock; resolves once the advance in progress (if any) has finished. */
  async pause(): Promise<void> {
    this.stopTicking();
    await this.idle();
  }

  /** Move virtual time by exactly `ms`, after any advance in progress; works paused or playing. */
  step(ms: number): Promise<void> {
    if (!Number.isSafeInteger(ms) || ms < 0) {
      return Promise.reject(new KafkaError("INVALID_REQUEST", `a clock step must be a whole number of milliseconds ≥ 0, got ${ms}`));
    }
    if (this.disposed) return Promise.reject(new KafkaError("ILLEGAL_STATE", "the clock has been stopped for good"));
    return this.enqueue(ms);
  }

  setSpeed(speed: number): void {
    checkSpeed(speed);
    if (this.isPlaying) this.accrue();
    this.currentSpeed = speed;
  }

  /** Resolves when no advance is running or queued. */
  async idle(): Promise<void> {
    while (this.running > 0) await this.chain;
  }

  /** Stop for good: no more ticks, and wait for the advance in progress. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.pause();
  }

  private stopTicking(): void {
    this.isPlaying = false;
    this.owed = 0;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private arm(): void {
    this.cancelTimer = this.setTimer(() => this.tick(), this.tickMs);
  }

  private accrue(): void {
    const wall = this.wallNow();
    this.owed += Math.max(0, wall - this.lastWall) * this.currentSpeed;
    this.owed = Math.min(this.owed, MAX_CATCH_UP_MS * this.currentSpeed);
    this.lastWall = wall;
  }

  private tick(): void {
    this.cancelTimer = undefined;
    if (!this.isPlaying) return;
    this.accrue();
    const whole = Math.floor(this.owed);
    if (whole > 0 && this.running === 0) {
      this.owed -= whole;
      this.enqueue(whole).catch((e: unknown) => this.onError(e));
    }
    this.arm();
  }

  private enqueue(ms: number): Promise<void> {
    this.running++;
    const run = this.chain.then(() => this.advanceEngine(ms));
    const done = run.finally(() => {
      this.running--;
    });
    this.chain = done.catch(() => {});
    return done;
  }
}
