/**
 * What handlers receive: KafkaJS's KafkaMessage made from a consumer record (keys, values
 * and header values as {@link MessageBytes} views, no copies), and KafkaJS's Batch.
 */
import type { ConsumerRecord } from "../groups/consumer-session";
import type { TopicPartition } from "../groups/topic-partition";
import type { Batch, KafkaMessage } from "./consumer-api";
import { decodeHeaders, MessageBytes } from "./message-bytes";

export function toKafkaMessage(r: ConsumerRecord): KafkaMessage {
  return {
    key: r.key === null ? null : MessageBytes.view(r.key),
    value: r.value === null ? null : MessageBytes.view(r.value),
    timestamp: String(r.timestamp),
    attributes: 0,
    offset: String(r.offset),
    headers: decodeHeaders(r.headers),
  };
}

export function makeBatch(tp: TopicPartition, highWatermark: number, messages: KafkaMessage[]): Batch {
  const first = messages[0];
  const last = messages.at(-1);
  const lastOffset = () => (last ? last.offset : String(highWatermark - 1));
  return {
    topic: tp.topic,
    partition: tp.partition,
    highWatermark: String(highWatermark),
    messages,
    isEmpty: () => messages.length === 0,
    firstOffset: () => (first ? first.offset : null),
    lastOffset,
    offsetLag: () => String(Math.max(0, highWatermark - 1 - Number(lastOffset()))),
    offsetLagLow: () => String(Math.max(0, highWatermark - 1 - Number(first ? first.offset : lastOffset()))),
  };
}
