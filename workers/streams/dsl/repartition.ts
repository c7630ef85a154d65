import type { Serde } from "../serdes";
import type { StreamPartitioner } from "../produced";
import { Record } from "../record";
import { ContextualProcessor } from "../processor/processor-context";
import { graphNode, type GraphNode, type InternalStreamsBuilder } from "./internal-builder";

export const REPARTITION_TOPIC_SUFFIX = "-repartition";

export interface RepartitionNames {
  topic: string;
  sinkName: string;
  filterName: string;
  sourceName: string;
}

/**
 * Names for a repartition hop. Three counter values are always burned (sink, filter,
 * source, in that order) so later names do not shift; generated prefixes keep the
 * generated node names, user names give `<topic>-sink`, `<topic>-filter`, `<topic>-source`.
 */
export function repartitionNames(builder: InternalStreamsBuilder, prefix: string): RepartitionNames {
  const topic = prefix.endsWith(REPARTITION_TOPIC_SUFFIX) ? prefix : prefix + REPARTITION_TOPIC_SUFFIX;
  const genSink = builder.newProcessorName("KSTREAM-SINK-");
  const genFilter = builder.newProcessorName("KSTREAM-FILTER-");
  const genSource = builder.newProcessorName("KSTREAM-SOURCE-");
  if (/^KSTREAM.*-[0-9]{10}$/.test(prefix)) return { topic, sinkName: genSink, filterName: genFilter, sourceName: genSource };
  return { topic, sinkName: `${topic}-sink`, filterName: `${topic}-filter`, sourceName: `${topic}-source` };
}

function nullKeyFilter(node: GraphNode): ContextualProcessor<unknown, unknown, unknown, unknown> {
  return new (class extends ContextualProcessor<unknown, unknown, unknown, unknown> {
    process(record: Record<unknown, unknown>): void {
      if (!node.repartition!.dropNullKeys || (record.key() !== null && record.key() !== undefined)) this.context().forward(record);
    }
  })();
}

/** A stream repartition: filter (drops null keys), sink to the internal topic, source reading it back. */
export function streamRepartitionNode(
  names: RepartitionNames,
  opts: { keySerde?: Serde<unknown> | undefined; valueSerde?: Serde<unknown> | undefined; partitioner?: StreamPartitioner<never, never> | undefined; numberOfPartitions?: number | undefined },
): GraphNode {
  const node: GraphNode = graphNode(
    names.sourceName,
    (t, parents) => {
      t.addInternalTopic(names.topic, opts.numberOfPartitions);
      t.addProcessorNode(names.filterName, { get: () => nullKeyFilter(node) as never }, parents);
      t.addSinkNode(
        { name: names.sinkName, topic: names.topic, keySerde: opts.keySerde, valueSerde: opts.valueSerde, partitioner: opts.partitioner },
        [names.filterName],
        false,
      );
      t.addSourceNode({
        name: names.sourceName,
        topics: [names.topic],
        keySerde: opts.keySerde,
        valueSerde: opts.valueSerde,
        changeValues: false,
        global: false,
      });
    },
    { repartition: { dropNullKeys: true } },
  );
  return node;
}

/** KGroupedTable's repartition: the sink writes KTable changes (`Change` values) directly. */
export function tableRepartitionNode(
  topic: string,
  sinkName: string,
  sourceName: string,
  opts: { keySerde?: Serde<unknown> | undefined; valueSerde?: Serde<unknown> | undefined },
): GraphNode {
  return graphNode(sourceName, (t, parents) => {
    t.addInternalTopic(topic);
    t.addSinkNode({ name: sinkName, topic, keySerde: opts.keySerde, valueSerde: opts.valueSerde }, parents, true);
    t.addSourceNode({ name: sourceName, topics: [topic], keySerde: opts.keySerde, valueSerde: opts.valueSerde, changeValues: true, global: false });
  });
}
