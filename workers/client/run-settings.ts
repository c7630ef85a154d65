/**
 * run()'s options with KafkaJS's defaults filled in: how handlers are called and when the
 * offsets they resolved are committed.
 */
import { KafkaError } from "../protocol/errors";
import type { ConsumerRunConfig } from "./consumer-api";

export type RunSettings = Required<Omit<ConsumerRunConfig, "eachBatch" | "eachMessage">> & Pick<ConsumerRunConfig, "eachBatch" | "eachMessage">;

/** What a consumer holds before its first run(). */
export const DEFAULT_RUN_SETTINGS: RunSettings = {
  autoCommit: true,
  autoCommitInterval: null,
  autoCommitThreshold: null,
  eachBatchAutoResolve: true,
  partitionsConsumedConcurrently: 1,
};

/** Throws INVALID_CONFIG for a partitionsConsumedConcurrently that is not an integer ≥ 1. */
export function resolveRunSettings(config: ConsumerRunConfig): RunSettings {
  const concurrency = config.partitionsConsumedConcurrently ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new KafkaError("INVALID_CONFIG", `partitionsConsumedConcurrently must be an integer ≥ 1, got ${concurrency}`);
  }
  return {
    autoCommit: config.autoCommit ?? true,
    autoCommitInterval: config.autoCommitInterval ?? null,
    autoCommitThreshold: config.autoCommitThreshold ?? null,
    eachBatchAutoResolve: config.eachBatchAutoResolve ?? true,
    partitionsConsumedConcurrently: concurrency,
    eachBatch: config.eachBatch,
    eachMessage: config.eachMessage,
  };
}
