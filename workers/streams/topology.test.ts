import { describe, expect, it } from "vitest";
import {
  Branched,
  BufferConfig,
  Consumed,
  Grouped,
  JoinWindows,
  KeyValue,
  Materialized,
  Named,
  Produced,
  Serdes,
  SessionWindows,
  SlidingWindows,
  StreamJoined,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  Topology,
  TopologyException,
  type Windowed,
} from "./index";
import { resolvePartitionCounts, taskCounts } from "./copartition";
import { javaSetString, javaStringHash } from "./java-hash";

// Expected strings are taken verbatim from Apache Kafka's own tests (TopologyTest,
// SuppressTopologyTest, KStreamImplTest, RepartitionTopicNamingTest): our describe()
// must print exactly what Kafka prints for the same DSL program.

const lines = (...l: string[]): string => l.join("");

describe("Topology.describe() prints Kafka's text", () => {
  it("groupByKey().count(): one sub-topology, generated store name (TopologyTest)", () => {
    const b = new StreamsBuilder();
    b.stream("input-topic").groupByKey().count();
    expect(b.build().describe().toString()).toBe(
      lines(
        "Topologies:\n",
        "   Sub-topology: 0\n",
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n",
        "      --> KSTREAM-AGGREGATE-0000000002\n",
        "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n",
        "      --> none\n",
        "      <-- KSTREAM-SOURCE-0000000000\n\n",
      ),
    );
  });

  it("count(Materialized.as) uses the name; count(Materialized.with) burns an extra counter value", () => {
    const named = new StreamsBuilder();
    named.stream("input-topic").groupByKey().count(Materialized.as("count-store"));
    expect(named.build().describe().toString()).toContain("Processor: KSTREAM-AGGREGATE-0000000001 (stores: [count-store])");
    const anonymous = new StreamsBuilder();
    anonymous.stream("input-topic").groupByKey().count(Materialized.with(undefined, Serdes.Long()));
    expect(anonymous.build().describe().toString()).toContain(
      "Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])",
    );
  });

  it("windowed counts name their stores like plain counts", () => {
    const variants: Array<(b: StreamsBuilder) => void> = [
      (b) => b.stream("input-topic").groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(1)).count(),
      (b) => b.stream("input-topic").groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(1)).count(),
      (b) => b.stream("input-topic").groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1)).count(),
    ];
    for (const v of variants) {
      const b = new StreamsBuilder();
      v(b);
      expect(b.build().describe().toString()).toBe(
        lines(
          "Topologies:\n",
          "   Sub-topology: 0\n",
          "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n",
          "      --> KSTREAM-AGGREGATE-0000000002\n",
          "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n",
          "      --> none\n",
          "      <-- KSTREAM-SOURCE-0000000000\n\n",
        ),
      );
    }
  });

  it("table().groupBy().count(): two sub-topologies split at the repartition topic (TopologyTest)", () => {
    const b = new StreamsBuilder();
    b.table("input-topic")
      .groupBy(() => KeyValue.pair(null, null))
      .count();
    expect(b.build().describe().toString()).toBe(
      lines(
        "Topologies:\n",
        "   Sub-topology: 0\n",
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n",
        "      --> KTABLE-SOURCE-0000000002\n",
        "    Processor: KTABLE-SOURCE-0000000002 (stores: [input-topic-STATE-STORE-0000000000])\n",
        "      --> KTABLE-SELECT-0000000003\n",
        "      <-- KSTREAM-SOURCE-0000000001\n",
        "    Processor: KTABLE-SELECT-0000000003 (stores: [])\n",
        "      --> KSTREAM-SINK-0000000005\n",
        "      <-- KTABLE-SOURCE-0000000002\n",
        "    Sink: KSTREAM-SINK-0000000005 (topic: KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition)\n",
        "      <-- KTABLE-SELECT-0000000003\n",
        "\n",
        "  Sub-topology: 1\n",
        "    Source: KSTREAM-SOURCE-0000000006 (topics: [KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition])\n",
        "      --> KTABLE-AGGREGATE-0000000007\n",
        "    Processor: KTABLE-AGGREGATE-0000000007 (stores: [KTABLE-AGGREGATE-STATE-STORE-0000000004])\n",
        "      --> none\n",
        "      <-- KSTREAM-SOURCE-0000000006\n",
        "\n",
      ),
    );
  });

  it("table().groupBy().count(Materialized.as(\"count-store\")) (TopologyTest and KAFKA-SEMANTICS 6.8)", () => {
    const b = new StreamsBuilder();
    b.table("input-topic")
      .groupBy(() => KeyValue.pair(null, null))
      .count(Materialized.as("count-store"));
    expect(b.build().describe().toString()).toBe(
      lines(
        "Topologies:\n",
        "   Sub-topology: 0\n",
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n",
        "      --> KTABLE-SOURCE-0000000002\n",
        "    Processor: KTABLE-SOURCE-0000000002 (stores: [input-topic-STATE-STORE-0000000000])\n",
        "      --> KTABLE-SELECT-0000000003\n",
        "      <-- KSTREAM-SOURCE-0000000001\n",
        "    Processor: KTABLE-SELECT-0000000003 (stores: [])\n",
        "      --> KSTREAM-SINK-0000000004\n",
        "      <-- KTABLE-SOURCE-0000000002\n",
        "    Sink: KSTREAM-SINK-0000000004 (topic: count-store-repartition)\n",
        "      <-- KTABLE-SELECT-0000000003\n",
        "\n",
        "  Sub-topology: 1\n",
        "    Source: KSTREAM-SOURCE-0000000005 (topics: [count-store-repartition])\n",
        "      --> KTABLE-AGGREGATE-0000000006\n",
        "    Processor: KTABLE-AGGREGATE-0000000006 (stores: [count-store])\n",
        "      --> none\n",
        "      <-- KSTREAM-SOURCE-0000000005\n",
        "\n",
      ),
    );
  });

  it("KTable mapValues/filter: unmaterialized sources keep no store; an anonymous Materialized burns a name (TopologyTest)", () => {
    const plain = new StreamsBuilder();
    plain.table("input-topic").mapValues(() => null);
    expect(plain.build().describe().toString()).toBe(
      lines(
        "Topologies:\n",
        "   Sub-topology: 0\n",
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n",
        "      --> KTABLE-SOURCE-0000000002\n",
        "    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n",
        "      --> KTABLE-MAPVALUES-0000000003\n",
        "      <-- KSTREAM-SOURCE-0000000001\n",
        "    Processor: KTABLE-MAPVALUES-0000000003 (stores: [])\n",
        "      --> none\n",
        "      <-- KTABLE-SOURCE-0000000002\n\n",
      ),
    );
    const anon = new StreamsBuilder();
    anon.table("input-topic").filter(() => false, Materialized.with());
    expect(anon.build().describe().toString()).toContain("Processor: KTABLE-FILTER-0000000004 (stores: [])\n      --> none");
    const named = new StreamsBuilder();
    named.table("input-topic").filter(() => false, Materialized.as("store-name"));
    expect(named.build().describe().toString()).toContain("Processor: KTABLE-FILTER-0000000003 (stores: [store-name])");
    const namedMap = new StreamsBuilder();
    namedMap.table("input-topic").mapValues((_k: unknown, _v: unknown) => null, Materialized.as("store-name"));
    expect(namedMap.build().describe().toString()).toContain("Processor: KTABLE-MAPVALUES-0000000003 (stores: [store-name])");
  });

  it("stream-stream join with default store names (deprecated JoinWindows.of, TopologyTest)", () => {
    const b = new StreamsBuilder();
    const s1 = b.stream("input-topic1");
    const s2 = b.stream("input-topic2");
    s1.join(s2, (a, c) => `${String(a)}+${String(c)}`, JoinWindows.of(100), StreamJoined.with(Serdes.Integer(), Serdes.String(), Serdes.String()));
    expect(b.build().describe().toString()).toBe(
      lines(
        "Topologies:\n",
        "   Sub-topology: 0\n",
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic1])\n",
        "      --> KSTREAM-WINDOWED-0000000002\n",
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic2])\n",
        "      --> KSTREAM-WINDOWED-0000000003\n",
        "    Processor: KSTREAM-WINDOWED-0000000002 (stores: [KSTREAM-JOINTHIS-0000000004-store])\n",
        "      --> KSTREAM-JOINTHIS-0000000004\n",
        "      <-- KSTREAM-SOURCE-0000000000\n",
        "    Processor: KSTREAM-WINDOWED-0000000003 (stores: [KSTREAM-JOINOTHER-0000000005-store])\n",
        "      --> KSTREAM-JOINOTHER-0000000005\n",
        "      <-- KSTREAM-SOURCE-0000000001\n",
        "    Processor: KSTREAM-JOINOTHER-0000000005 (stores: [KSTREAM-JOINTHIS-0000000004-store])\n",
        "      --> KSTREAM-MERGE-0000000006\n",
        "      <-- KSTREAM-WINDOWED-0000000003\n",
        "    Processor: KSTREAM-JOINTHIS-0000000004 (stores: [KSTREAM-JOINOTHER-0000000005-store])\n",
        "      --> KSTREAM-MERGE-0000000006\n",
        "      <-- KSTREAM-WINDOWED-0000000002\n",
        "    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n",
        "      --> none\n",
        "      <-- KSTREAM-JOINTHIS-0000000004, KSTREAM-JOINOTHER-0000000005\n\n",
      ),
    );
  });

  it("stream-stream left join: shared outer store, custom store names (TopologyTest)", () => {
    const b = new StreamsBuilder();
    b.stream("input-topic1").leftJoin(
      b.stream("input-topic2"),
      (a, c) => [a, c],
      JoinWindows.ofTimeDifferenceWithNoGrace(100),
      StreamJoined.with(Serdes.Integer(), Serdes.String(), Serdes.String()).withStoreName("custom-name"),
    );
    expect(b.build().describe().toString()).toBe(
      lines(
        "Topologies:\n",
        "   Sub-topology: 0\n",
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic1])\n",
        "      --> KSTREAM-WINDOWED-0000000002\n",
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic2])\n",
        "      --> KSTREAM-WINDOWED-0000000003\n",
        "    Processor: KSTREAM-WINDOWED-0000000002 (stores: [custom-name-this-join-store])\n",
        "      --> KSTREAM-JOINTHIS-0000000004\n",
        "      <-- KSTREAM-SOURCE-0000000000\n",
        "    Processor: KSTREAM-WINDOWED-0000000003 (stores: [custom-name-outer-other-join-store])\n",
        "      --> KSTREAM-OUTEROTHER-0000000005\n",
        "      <-- KSTREAM-SOURCE-0000000001\n",
        "    Processor: KSTREAM-JOINTHIS-0000000004 (stores: [custom-name-outer-other-join-store, custom-name-left-shared-join-store])\n",
        "      --> KSTREAM-MERGE-0000000006\n",
        "      <-- KSTREAM-WINDOWED-0000000002\n",
        "    Processor: KSTREAM-OUTEROTHER-0000000005 (stores: [custom-name-this-join-store, custom-name-left-shared-join-store])\n",
        "      --> KSTREAM-MERGE-0000000006\n",
        "      <-- KSTREAM-WINDOWED-0000000003\n",
        "    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n",
        "      --> none\n",
        "      <-- KSTREAM-JOINTHIS-0000000004, KSTREAM-OUTEROTHER-0000000005\n\n",
      ),
    );
  });

  it("stream-stream outer join with default names (TopologyTest)", () => {
    const b = new StreamsBuilder();
    b.stream("input-topic1").outerJoin(b.stream("input-topic2"), (a, c) => [a, c], JoinWindows.ofTimeDifferenceWithNoGrace(100));
    expect(b.build().describe().toString()).toBe(
      lines(
        "Topologies:\n",
        "   Sub-topology: 0\n",
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic1])\n",
        "      --> KSTREAM-WINDOWED-0000000002\n",
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic2])\n",
        "      --> KSTREAM-WINDOWED-0000000003\n",
        "    Processor: KSTREAM-WINDOWED-0000000002 (stores: [KSTREAM-OUTERTHIS-0000000004-store])\n",
        "      --> KSTREAM-OUTERTHIS-0000000004\n",
        "      <-- KSTREAM-SOURCE-0000000000\n",
        "    Processor: KSTREAM-WINDOWED-0000000003 (stores: [KSTREAM-OUTEROTHER-0000000005-store])\n",
        "      --> KSTREAM-OUTEROTHER-0000000005\n",
        "      <-- KSTREAM-SOURCE-0000000001\n",
        "    Processor: KSTREAM-OUTEROTHER-0000000005 (stores: [KSTREAM-OUTERTHIS-0000000004-store, KSTREAM-OUTERSHARED-0000000004-store])\n",
        "      --> KSTREAM-MERGE-0000000006\n",
        "      <-- KSTREAM-WINDOWED-0000000003\n",
        "    Processor: KSTREAM-OUTERTHIS-0000000004 (stores: [KSTREAM-OUTEROTHER-0000000005-store, KSTREAM-OUTERSHARED-0000000004-store])\n",
        "      --> KSTREAM-MERGE-0000000006\n",
        "      <-- KSTREAM-WINDOWED-0000000002\n",
        "    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n",
        "      --> none\n",
        "      <-- KSTREAM-OUTERTHIS-0000000004, KSTREAM-OUTEROTHER-0000000005\n\n",
      ),
    );
  });

  it("table-table join over toTable() (KStreamImplTest)", () => {
    const b = new StreamsBuilder();
    const consumed = Consumed.with(Serdes.String(), Serdes.String());
    const t1 = b.stream("left", consumed).toTable();
    const t2 = b.stream("right", consumed).toTable();
    t1.join(t2, (l, r) => `${l}+${r}`)
      .toStream()
      .to("output");
    expect(b.build().describe().toString()).toBe(
      lines(
        "Topologies:\n",
        "   Sub-topology: 0\n",
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [left])\n",
        "      --> KSTREAM-TOTABLE-0000000001\n",
        "    Source: KSTREAM-SOURCE-0000000003 (topics: [right])\n",
        "      --> KSTREAM-TOTABLE-0000000004\n",
        "    Processor: KSTREAM-TOTABLE-0000000001 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000002])\n",
        "      --> KTABLE-JOINTHIS-0000000007\n",
        "      <-- KSTREAM-SOURCE-0000000000\n",
        "    Processor: KSTREAM-TOTABLE-0000000004 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000005])\n",
        "      --> KTABLE-JOINOTHER-0000000008\n",
        "      <-- KSTREAM-SOURCE-0000000003\n",
        "    Processor: KTABLE-JOINOTHER-0000000008 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000002])\n",
        "      --> KTABLE-MERGE-0000000006\n",
        "      <-- KSTREAM-TOTABLE-0000000004\n",
        "    Processor: KTABLE-JOINTHIS-0000000007 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000005])\n",
        "      --> KTABLE-MERGE-0000000006\n",
        "      <-- KSTREAM-TOTABLE-0000000001\n",
        "    Processor: KTABLE-MERGE-0000000006 (stores: [])\n",
        "      --> KTABLE-TOSTREAM-0000000009\n",
        "      <-- KTABLE-JOINTHIS-0000000007, KTABLE-JOINOTHER-0000000008\n",
        "    Processor: KTABLE-TOSTREAM-0000000009 (stores: [])\n",
        "      --> KSTREAM-SINK-0000000010\n",
        "      <-- KTABLE-MERGE-0000000006\n",
        "    Sink: KSTREAM-SINK-0000000010 (topic: output)\n",
        "      <-- KTABLE-TOSTREAM-0000000009\n\n",
      ),
    );
  });

  it("stream-table join: the table's store joins both into one sub-topology (KStreamImplTest)", () => {
    const b = new StreamsBuilder();
    const consumed = Consumed.with(Serdes.String(), Serdes.String());
    const stream = b.stream("streamTopic", consumed);
    const table = b.stream("tableTopic", consumed).toTable();
    stream.join(table, (v, t) => `${v}+${t}`).to("output");
    expect(b.build().describe().toString()).toBe(
      lines(
        "Topologies:\n",
        "   Sub-topology: 0\n",
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [streamTopic])\n",
        "      --> KSTREAM-JOIN-0000000004\n",
        "    Processor: KSTREAM-JOIN-0000000004 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000003])\n",
        "      --> KSTREAM-SINK-0000000005\n",
        "      <-- KSTREAM-SOURCE-0000000000\n",
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [tableTopic])\n",
        "      --> KSTREAM-TOTABLE-0000000002\n",
        "    Sink: KSTREAM-SINK-0000000005 (topic: output)\n",
        "      <-- KSTREAM-JOIN-0000000004\n",
        "    Processor: KSTREAM-TOTABLE-0000000002 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000003])\n",
        "      --> none\n",
        "      <-- KSTREAM-SOURCE-0000000001\n\n",
      ),
    );
  });

  it("final-results suppression, anonymous and named (SuppressTopologyTest)", () => {
    const build = (name?: string): string => {
      const b = new StreamsBuilder();
      const suppressed = Suppressed.untilWindowCloses(BufferConfig.unbounded());
      b.stream("input", Consumed.with(Serdes.String(), Serdes.String()))
        .groupBy((k: string) => k, Grouped.with(Serdes.String(), Serdes.String()))
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 5))
        .count(Materialized.as<string, number>("counts").withCachingDisabled())
        .suppress(name === undefined ? suppressed : suppressed.withName(name))
        .toStream()
        .map((k: Windowed<string>, v: number) => KeyValue.pair(k.toString(), v))
        .to("output-suppressed", Produced.with(Serdes.String(), Serdes.Long()));
      return b.build().describe().toString();
    };
    expect(build()).toBe(
      lines(
        "Topologies:\n",
        "   Sub-topology: 0\n",
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n",
        "      --> KSTREAM-KEY-SELECT-0000000001\n",
        "    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n",
        "      --> counts-repartition-filter\n",
        "      <-- KSTREAM-SOURCE-0000000000\n",
        "    Processor: counts-repartition-filter (stores: [])\n",
        "      --> counts-repartition-sink\n",
        "      <-- KSTREAM-KEY-SELECT-0000000001\n",
        "    Sink: counts-repartition-sink (topic: counts-repartition)\n",
        "      <-- counts-repartition-filter\n",
        "\n",
        "  Sub-topology: 1\n",
        "    Source: counts-repartition-source (topics: [counts-repartition])\n",
        "      --> KSTREAM-AGGREGATE-0000000002\n",
        "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [counts])\n",
        "      --> KTABLE-SUPPRESS-0000000006\n",
        "      <-- counts-repartition-source\n",
        "    Processor: KTABLE-SUPPRESS-0000000006 (stores: [KTABLE-SUPPRESS-STATE-STORE-0000000007])\n",
        "      --> KTABLE-TOSTREAM-0000000008\n",
        "      <-- KSTREAM-AGGREGATE-0000000002\n",
        "    Processor: KTABLE-TOSTREAM-0000000008 (stores: [])\n",
        "      --> KSTREAM-MAP-0000000009\n",
        "      <-- KTABLE-SUPPRESS-0000000006\n",
        "    Processor: KSTREAM-MAP-0000000009 (stores: [])\n",
        "      --> KSTREAM-SINK-0000000010\n",
        "      <-- KTABLE-TOSTREAM-0000000008\n",
        "    Sink: KSTREAM-SINK-0000000010 (topic: output-suppressed)\n",
        "      <-- KSTREAM-MAP-0000000009\n",
        "\n",
      ),
    );
    expect(build("myname")).toContain(
      lines(
        "    Processor: myname (stores: [myname-store])\n",
        "      --> KTABLE-TOSTREAM-0000000006\n",
        "      <-- KSTREAM-AGGREGATE-0000000002\n",
      ),
    );
  });

  it("intermediate suppression after a plain count (SuppressTopologyTest)", () => {
    const b = new StreamsBuilder();
    b.stream("input", Consumed.with(Serdes.String(), Serdes.String()))
      .groupByKey()
      .count()
      .suppress(Suppressed.untilTimeLimit(1000, BufferConfig.unbounded()))
      .toStream()
      .to("output", Produced.with(Serdes.String(), Serdes.Long()));
    expect(b.build().describe().toString()).toBe(
      lines(
        "Topologies:\n",
        "   Sub-topology: 0\n",
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n",
        "      --> KSTREAM-AGGREGATE-0000000002\n",
        "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n",
        "      --> KTABLE-SUPPRESS-0000000003\n",
        "      <-- KSTREAM-SOURCE-0000000000\n",
        "    Processor: KTABLE-SUPPRESS-0000000003 (stores: [KTABLE-SUPPRESS-STATE-STORE-0000000004])\n",
        "      --> KTABLE-TOSTREAM-0000000005\n",
        "      <-- KSTREAM-AGGREGATE-0000000002\n",
        "    Processor: KTABLE-TOSTREAM-0000000005 (stores: [])\n",
        "      --> KSTREAM-SINK-0000000006\n",
        "      <-- KTABLE-SUPPRESS-0000000003\n",
        "    Sink: KSTREAM-SINK-0000000006 (topic: output)\n",
        "      <-- KTABLE-TOSTREAM-0000000005\n",
        "\n",
      ),
    );
  });

  it("named repartition topics, fan-out ordering and a repartitioned join (RepartitionTopicNamingTest, unoptimized)", () => {
    const b = new StreamsBuilder();
    const source = b.stream("input", Consumed.with(Serdes.String(), Serdes.String()));
    const mapped = source.map((k: string, v: string) => KeyValue.pair(k.toUpperCase(), v));
    mapped
      .filter((k) => k === "B")
      .mapValues((v: string) => v.toUpperCase())
      .process(() => ({ process: () => {} }));
    const countStream = mapped.groupByKey(Grouped.as("count-stream")).count(Materialized.with(Serdes.String(), Serdes.Long())).toStream();
    countStream.to("outputTopic_0", Produced.with(Serdes.String(), Serdes.Long()));
    mapped
      .groupByKey(Grouped.as("aggregate-stream"))
      .aggregate(
        () => 0,
        (_k, v: string, agg: number) => agg + v.length,
        Materialized.with(Serdes.String(), Serdes.Integer()),
      )
      .toStream()
      .to("outputTopic_1", Produced.with(Serdes.String(), Serdes.Integer()));
    mapped
      .filter(() => true)
      .peek(() => {})
      .groupByKey(Grouped.as("reduced-stream"))
      .reduce((v1: string, v2: string) => `${v1}:${v2}`, Materialized.with(Serdes.String(), Serdes.String()))
      .toStream()
      .to("outputTopic_2", Produced.with(Serdes.String(), Serdes.String()));
    mapped
      .filter((k) => k === "A")
      .join(
        countStream,
        (v1: string, v2: number) => `${v1}:${v2}`,
        JoinWindows.ofTimeDifferenceWithNoGrace(5000),
        StreamJoined.with(Serdes.String(), Serdes.String(), Serdes.Long()).withStoreName("joined-stream").withName("joined-stream"),
      )
      .to("outputTopicForJoin");
    expect(b.build().describe().toString()).toBe(
      lines(
        "Topologies:\n",
        "   Sub-topology: 0\n",
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n",
        "      --> KSTREAM-MAP-0000000001\n",
        "    Processor: KSTREAM-MAP-0000000001 (stores: [])\n",
        "      --> KSTREAM-FILTER-0000000029, KSTREAM-FILTER-0000000002, KSTREAM-FILTER-0000000020, aggregate-stream-repartition-filter, count-stream-repartition-filter\n",
        "      <-- KSTREAM-SOURCE-0000000000\n",
        "    Processor: KSTREAM-FILTER-0000000020 (stores: [])\n",
        "      --> KSTREAM-PEEK-0000000021\n",
        "      <-- KSTREAM-MAP-0000000001\n",
        "    Processor: KSTREAM-FILTER-0000000002 (stores: [])\n",
        "      --> KSTREAM-MAPVALUES-0000000003\n",
        "      <-- KSTREAM-MAP-0000000001\n",
        "    Processor: KSTREAM-FILTER-0000000029 (stores: [])\n",
        "      --> joined-stream-left-repartition-filter\n",
        "      <-- KSTREAM-MAP-0000000001\n",
        "    Processor: KSTREAM-PEEK-0000000021 (stores: [])\n",
        "      --> reduced-stream-repartition-filter\n",
        "      <-- KSTREAM-FILTER-0000000020\n",
        "    Processor: KSTREAM-MAPVALUES-0000000003 (stores: [])\n",
        "      --> KSTREAM-PROCESSOR-0000000004\n",
        "      <-- KSTREAM-FILTER-0000000002\n",
        "    Processor: aggregate-stream-repartition-filter (stores: [])\n",
        "      --> aggregate-stream-repartition-sink\n",
        "      <-- KSTREAM-MAP-0000000001\n",
        "    Processor: count-stream-repartition-filter (stores: [])\n",
        "      --> count-stream-repartition-sink\n",
        "      <-- KSTREAM-MAP-0000000001\n",
        "    Processor: joined-stream-left-repartition-filter (stores: [])\n",
        "      --> joined-stream-left-repartition-sink\n",
        "      <-- KSTREAM-FILTER-0000000029\n",
        "    Processor: reduced-stream-repartition-filter (stores: [])\n",
        "      --> reduced-stream-repartition-sink\n",
        "      <-- KSTREAM-PEEK-0000000021\n",
        "    Processor: KSTREAM-PROCESSOR-0000000004 (stores: [])\n",
        "      --> none\n",
        "      <-- KSTREAM-MAPVALUES-0000000003\n",
        "    Sink: aggregate-stream-repartition-sink (topic: aggregate-stream-repartition)\n",
        "      <-- aggregate-stream-repartition-filter\n",
        "    Sink: count-stream-repartition-sink (topic: count-stream-repartition)\n",
        "      <-- count-stream-repartition-filter\n",
        "    Sink: joined-stream-left-repartition-sink (topic: joined-stream-left-repartition)\n",
        "      <-- joined-stream-left-repartition-filter\n",
        "    Sink: reduced-stream-repartition-sink (topic: reduced-stream-repartition)\n",
        "      <-- reduced-stream-repartition-filter\n",
        "\n",
        "  Sub-topology: 1\n",
        "    Source: count-stream-repartition-source (topics: [count-stream-repartition])\n",
        "      --> KSTREAM-AGGREGATE-0000000007\n",
        "    Processor: KSTREAM-AGGREGATE-0000000007 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000006])\n",
        "      --> KTABLE-TOSTREAM-0000000011\n",
        "      <-- count-stream-repartition-source\n",
        "    Processor: KTABLE-TOSTREAM-0000000011 (stores: [])\n",
        "      --> KSTREAM-SINK-0000000012, joined-stream-other-windowed\n",
        "      <-- KSTREAM-AGGREGATE-0000000007\n",
        "    Source: joined-stream-left-repartition-source (topics: [joined-stream-left-repartition])\n",
        "      --> joined-stream-this-windowed\n",
        "    Processor: joined-stream-other-windowed (stores: [joined-stream-other-join-store])\n",
        "      --> joined-stream-other-join\n",
        "      <-- KTABLE-TOSTREAM-0000000011\n",
        "    Processor: joined-stream-this-windowed (stores: [joined-stream-this-join-store])\n",
        "      --> joined-stream-this-join\n",
        "      <-- joined-stream-left-repartition-source\n",
        "    Processor: joined-stream-other-join (stores: [joined-stream-this-join-store])\n",
        "      --> joined-stream-merge\n",
        "      <-- joined-stream-other-windowed\n",
        "    Processor: joined-stream-this-join (stores: [joined-stream-other-join-store])\n",
        "      --> joined-stream-merge\n",
        "      <-- joined-stream-this-windowed\n",
        "    Processor: joined-stream-merge (stores: [])\n",
        "      --> KSTREAM-SINK-0000000038\n",
        "      <-- joined-stream-this-join, joined-stream-other-join\n",
        "    Sink: KSTREAM-SINK-0000000012 (topic: outputTopic_0)\n",
        "      <-- KTABLE-TOSTREAM-0000000011\n",
        "    Sink: KSTREAM-SINK-0000000038 (topic: outputTopicForJoin)\n",
        "      <-- joined-stream-merge\n",
        "\n",
        "  Sub-topology: 2\n",
        "    Source: aggregate-stream-repartition-source (topics: [aggregate-stream-repartition])\n",
        "      --> KSTREAM-AGGREGATE-0000000014\n",
        "    Processor: KSTREAM-AGGREGATE-0000000014 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000013])\n",
        "      --> KTABLE-TOSTREAM-0000000018\n",
        "      <-- aggregate-stream-repartition-source\n",
        "    Processor: KTABLE-TOSTREAM-0000000018 (stores: [])\n",
        "      --> KSTREAM-SINK-0000000019\n",
        "      <-- KSTREAM-AGGREGATE-0000000014\n",
        "    Sink: KSTREAM-SINK-0000000019 (topic: outputTopic_1)\n",
        "      <-- KTABLE-TOSTREAM-0000000018\n",
        "\n",
        "  Sub-topology: 3\n",
        "    Source: reduced-stream-repartition-source (topics: [reduced-stream-repartition])\n",
        "      --> KSTREAM-REDUCE-0000000023\n",
        "    Processor: KSTREAM-REDUCE-0000000023 (stores: [KSTREAM-REDUCE-STATE-STORE-0000000022])\n",
        "      --> KTABLE-TOSTREAM-0000000027\n",
        "      <-- reduced-stream-repartition-source\n",
        "    Processor: KTABLE-TOSTREAM-0000000027 (stores: [])\n",
        "      --> KSTREAM-SINK-0000000028\n",
        "      <-- KSTREAM-REDUCE-0000000023\n",
        "    Sink: KSTREAM-SINK-0000000028 (topic: outputTopic_2)\n",
        "      <-- KTABLE-TOSTREAM-0000000027\n\n",
      ),
    );
  });

  it("a dynamic sink prints the extractor (TopologyTest)", () => {
    const b = new StreamsBuilder();
    b.stream("input-topic").to({
      extract: (key: unknown, _v: unknown, ctx) => `${String(ctx.topic)}-${String(key)}`,
      toString: () => "anonymous topic name extractor. topic is [recordContext.topic()]-[key]",
    });
    expect(b.build().describe().toString()).toBe(
      lines(
        "Topologies:\n",
        "   Sub-topology: 0\n",
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n",
        "      --> KSTREAM-SINK-0000000001\n",
        "    Sink: KSTREAM-SINK-0000000001 (extractor class: anonymous topic name extractor. topic is [recordContext.topic()]-[key])\n",
        "      <-- KSTREAM-SOURCE-0000000000\n\n",
      ),
    );
  });

  it("global tables describe as global stores and still take a sub-topology id", () => {
    const b = new StreamsBuilder();
    b.globalTable("customers");
    b.stream("orders").to("out");
    expect(b.build().describe().toString()).toBe(
      lines(
        "Topologies:\n",
        "   Sub-topology: 0 for global store (will not generate tasks)\n",
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [customers])\n",
        "      --> KTABLE-SOURCE-0000000002\n",
        "    Processor: KTABLE-SOURCE-0000000002 (stores: [customers-STATE-STORE-0000000000])\n",
        "      --> none\n",
        "      <-- KSTREAM-SOURCE-0000000001\n",
        "  Sub-topology: 1\n",
        "    Source: KSTREAM-SOURCE-0000000003 (topics: [orders])\n",
        "      --> KSTREAM-SINK-0000000004\n",
        "    Sink: KSTREAM-SINK-0000000004 (topic: out)\n",
        "      <-- KSTREAM-SOURCE-0000000003\n\n",
      ),
    );
  });

  it("split() names branches after the splitter and burns a counter value per branch", () => {
    const b = new StreamsBuilder();
    const branches = b
      .stream<string, number>("in")
      .split(Named.as("s-"))
      .branch((_k, v) => v > 0, Branched.as("pos"))
      .defaultBranch();
    expect([...branches.keys()]).toEqual(["s-pos", "s-0"]);
    branches.get("s-pos")!.to("positive");
    const text = b.build().describe().toString();
    expect(text).toMatch(/Processor: s- \(stores: \[\]\)\n {6}--> (s-pos, s-0|s-0, s-pos)\n/);
    expect(text).toContain("Sink: KSTREAM-SINK-0000000004 (topic: positive)");
  });
});

describe("Java ordering helpers", () => {
  it("String.hashCode matches Java", () => {
    expect(javaStringHash("")).toBe(0);
    expect(javaStringHash("a")).toBe(97);
    expect(javaStringHash("hello")).toBe(99162322);
    expect(javaStringHash("KSTREAM-SOURCE-0000000000")).toBe(javaStringHash("KSTREAM-SOURCE-0000000000"));
    expect(javaStringHash("polygenelubricants")).toBe(-2147483648);
  });

  it("HashSet order puts the shared outer store where Kafka prints it", () => {
    expect(javaSetString(["KSTREAM-OUTEROTHER-0000000005-store", "KSTREAM-OUTERSHARED-0000000004-store"])).toBe(
      "[KSTREAM-OUTEROTHER-0000000005-store, KSTREAM-OUTERSHARED-0000000004-store]",
    );
    expect(javaSetString(["in-memory-join-store", "in-memory-join-store-outer-shared-join-store"])).toBe(
      "[in-memory-join-store-outer-shared-join-store, in-memory-join-store]",
    );
  });
});

describe("sub-topologies, internal topics and co-partitioning", () => {
  it("splits at repartition topics and names internal topics after the application id", () => {
    const b = new StreamsBuilder();
    b.stream<string, { app_id: string }>("apps_opened")
      .groupBy((_k, v) => v.app_id)
      .windowedBy(TimeWindows.ofSizeWithNoGrace(86_400_000))
      .count()
      .toStream()
      .to("opened_per_day");
    const t = b.build();
    const subs = t.subtopologies();
    expect(subs.map((s) => [s.id, s.sourceTopics, s.sinkTopics])).toEqual([
      [0, ["apps_opened"], ["KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition"]],
      [1, ["KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition"], ["opened_per_day"]],
    ]);
    expect(subs[1]!.repartitionSourceTopics).toEqual(["KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition"]);
    expect(t.decorateTopic("app", "KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition")).toBe(
      "app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition",
    );
    expect(t.changelogTopics("app")).toEqual([
      { topic: "app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-changelog", store: "KSTREAM-AGGREGATE-STATE-STORE-0000000002", kind: "timestampedWindow", retentionMs: 86_400_000 },
    ]);
    const counts = resolvePartitionCounts(t, (topic) => (topic === "apps_opened" ? 6 : undefined));
    expect(counts.get("KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition")).toBe(6);
    expect([...taskCounts(t, counts)]).toEqual([
      [0, 6],
      [1, 6],
    ]);
  });

  it("a join of topics with different partition counts fails, naming topics and counts", () => {
    const b = new StreamsBuilder();
    b.stream("left").join(b.table("right"), (l, r) => [l, r]);
    const t = b.build();
    expect(t.copartitionGroups()).toEqual([["left", "right"]]);
    expect(() => resolvePartitionCounts(t, (topic) => (topic === "left" ? 2 : 3))).toThrow(TopologyException);
    expect(() => resolvePartitionCounts(t, (topic) => (topic === "left" ? 2 : 3))).toThrow("Topics not co-partitioned: [{left=2, right=3}]");
    expect(resolvePartitionCounts(t, () => 4).get("left")).toBe(4);
  });

  it("a repartition topic before a join takes the partition count of the other side", () => {
    const b = new StreamsBuilder();
    b.stream("clicks")
      .selectKey((_k, v) => v)
      .join(b.table("users"), (l, r) => [l, r])
      .to("out");
    const t = b.build();
    const counts = resolvePartitionCounts(t, (topic) => ({ clicks: 8, users: 3 })[topic]);
    expect(counts.get("KSTREAM-KEY-SELECT-0000000001-repartition")).toBe(3);
  });

  it("rejects two sources on one topic and unknown stores, as Kafka does", () => {
    const t = new Topology().addSource("a", "topic");
    expect(() => t.addSource("b", "topic")).toThrow("Topic topic has already been registered by another source.");
    expect(() => t.addProcessor("p", () => ({ process: () => {} }), "missing")).toThrow("Predecessor processor missing is not added yet for p");
    t.addProcessor("p", () => ({ process: () => {} }), "a");
    expect(() => t.connectProcessorAndStateStores("p", "nope")).toThrow("StateStore nope is not added yet.");
  });

  it("merges two stream() calls on the same topic into one source", () => {
    const b = new StreamsBuilder();
    b.stream("t").to("a");
    b.stream("t").to("b");
    const text = b.build().describe().toString();
    expect(text).toContain("Source: KSTREAM-SOURCE-0000000000 (topics: [t])\n      --> KSTREAM-SINK-0000000001, KSTREAM-SINK-0000000003");
    expect(text).not.toContain("KSTREAM-SOURCE-0000000002");
  });
});
