/**
 * A running consumer's loop: poll the session, hand what came to the {@link BatchRunner},
 * commit what was resolved (autoCommit), report lag, and when nothing came wait for data.
 *
 * The loop never blocks on time itself: it waits with a fetch the broker holds up to
 * maxWaitTimeInMs, or on the injected scheduler when it has nothing to fetch, and the
 * {@link Waker} ends either wait early when partitions change, on seek, resume or stop. A
 * failure is reported as a CRASH; the loop retries after retry.backoff.ms unless the consumer
 * left its group or a partition has no valid position (NO_OFFSET_FOR_PARTITION,
 * OFFSET_OUT_OF_RANGE), which stop it.
 */
import type { ConsumerRecord, ConsumerSession } from "../groups/consumer-session";
import { tpKey } from "../groups/topic-partition";
import { isKafkaError, KafkaError } from "../protocol/errors";
import type { BatchRunner } from "./batch-runner";
import type { ClientRuntime } from "./client-runtime";
import type { PartitionLagView } from "./client-events";
import { CONSUMER_EVENTS } from "./consumer-api";
import type { ConsumerReporter } from "./consumer-reporter";
import type { ResolvedConsumer } from "./kafkajs-config";
import type { OffsetCommitPolicy } from "./offset-commit-policy";
import type { PartitionEpochs } from "./partition-batches";
import type { PausedPartitions } from "./paused-partitions";
import type { RunSettings } from "./run-settings";
import type { TransportConsumerLog } from "./transport-consumer-log";
import type { TransportCoordinator } from "./transport-coordinator";
import type { Waker } from "./waker";

export interface FetchLoopDeps {
  readonly runtime: ClientRuntime;
  readonly groupId: string;
  readonly config: ResolvedConsumer;
  readonly waker: Waker;
  readonly paused: PausedPartitions;
  readonly epochs: PartitionEpochs;
  readonly offsets: OffsetCommitPolicy;
  readonly log: TransportConsumerLog;
  readonly runner: BatchRunner;
  readonly reporter: ConsumerReporter;
  settings(): RunSettings;
  isRunning(): boolean;
  session(): ConsumerSession | undefined;
  coordinator(): TransportCoordinator | undefined;
  lag(): Record<string, PartitionLagView>;
  /** A failure the consumer cannot go on from: it is no longer running. */
  halt(): void;
}

export class FetchLoop {
  constructor(private readonly deps: FetchLoopDeps) {}

  /** Runs until the consumer stops running. */
  async run(): Promise<void> {
    const { waker, reporter } = this.deps;
    while (this.deps.isRunning()) {
      const since = waker.generation;
      try {
        const delivered = await this.step();
        if (!delivered && this.deps.isRunning()) await this.waitForData(since);
      } catch (e) {
        if (!this.deps.isRunning()) break;
        const fatal = !this.deps.session()?.live || isKafkaError(e, "NO_OFFSET_FOR_PARTITION") || isKafkaError(e, "OFFSET_OUT_OF_RANGE");
        reporter.crashed(e, !fatal);
        if (fatal) {
          this.deps.halt();
          break;
        }
        await waker.sleep(this.deps.runtime.scheduler, this.deps.config.retryBackoffMs, waker.generation);
      }
    }
  }

  /** One poll and the processing of what it returned. False when there was nothing to deliver. */
  private async step(): Promise<boolean> {
    const { runtime, reporter, runner } = this.deps;
    const session = this.deps.session()!;
    if (!session.live) throw session.member.error ?? new KafkaError("ILLEGAL_STATE", `consumer of group "${this.deps.groupId}" is no longer in the group`);
    const startedAt = reporter.now();
    reporter.instrument(CONSUMER_EVENTS.FETCH_START, { nodeId: 0 });
    const release = this.deps.coordinator()!.hold();
    let records: ConsumerRecord[];
    try {
      records = await runtime.track(session.poll());
    } finally {
      release();
    }
    const batches = this.deps.epochs.batches(records);
    reporter.instrument(CONSUMER_EVENTS.FETCH, { numberOfBatches: batches.length, duration: reporter.now() - startedAt, nodeId: 0 });
    if (!this.deps.isRunning()) return false;
    if (batches.length > 0) await runtime.track(runner.processAll(batches));
    runner.resolvePastFiltered(batches);
    if (this.deps.settings().autoCommit) await runtime.track(this.deps.offsets.commitResolved()).catch(() => undefined);
    reporter.lag(this.deps.lag());
    return batches.length > 0;
  }

  /** Wait until data may be there: a fetch the broker holds, or the scheduler when there is nothing to fetch. */
  private async waitForData(since: number): Promise<void> {
    const { runtime, config, waker } = this.deps;
    const session = this.deps.session()!;
    const positions = session.positions();
    const fetchable = session.assignment.filter((p) => positions[tpKey(p)] !== undefined && !this.deps.paused.has(tpKey(p)));
    const maxWait = config.kafka["fetch.max.wait.ms"];
    if (fetchable.length === 0 || maxWait === 0) {
      // Nothing to fetch (no assignment yet, or everything paused), or no broker-side wait: look again later.
      await waker.sleep(runtime.scheduler, maxWait === 0 ? config.retryBackoffMs : maxWait, since);
      return;
    }
    const fetch = runtime.transport.fetch({
      isolationLevel: session.isolation,
      maxWaitMs: maxWait,
      minBytes: config.kafka["fetch.min.bytes"],
      maxBytes: config.kafka["fetch.max.bytes"],
      partitions: fetchable.map((p) => ({ topic: p.topic, partition: p.partition, fetchOffset: positions[tpKey(p)]!, maxBytes: config.kafka["max.partition.fetch.bytes"] })),
    });
    const answered = fetch.then(
      (r) => this.deps.log.noteEndOffsets(r),
      () => undefined,
    );
    await Promise.race([answered, waker.until(since)]);
  }
}
