import { describe, expect, it } from "vitest";
import {
  Branched,
  Consumed,
  Headers,
  KeyValue,
  Named,
  Produced,
  Repartitioned,
  Serdes,
  StreamsBuilder,
  StreamsException,
  TopologyTestDriver,
  type KStream,
} from "./index";

function run<V>(build: (s: KStream<string, V>, b: StreamsBuilder) => void, inputs: Array<[string | null, V, number]>, applicationId = "app") {
  const b = new StreamsBuilder();
  build(b.stream<string, V>("in"), b);
  const driver = new TopologyTestDriver(b.build(), { applicationId });
  const input = driver.createInputTopic<string | null, V>("in");
  for (const [k, v, ts] of inputs) input.pipeInput(k, v, ts);
  return driver;
}

const kvs = (driver: TopologyTestDriver, topic: string) => driver.createOutputTopic(topic).readKeyValuesToList().map((kv) => [kv.key, kv.value]);

describe("stateless KStream operators", () => {
  it("filter and filterNot keep timestamps and split the records", () => {
    const driver = run<number>(
      (s) => {
        s.filter((_k, v) => v % 2 === 0).to("even");
        s.filterNot((_k, v) => v % 2 === 0).to("odd");
      },
      [
        ["a", 1, 10],
        ["b", 2, 20],
        ["c", 3, 30],
      ],
    );
    expect(driver.createOutputTopic("even").readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([["b", 2, 20]]);
    expect(kvs(driver, "odd")).toEqual([
      ["a", 1],
      ["c", 3],
    ]);
  });

  it("map, selectKey, mapValues (both arities), flatMap and flatMapValues", () => {
    const driver = run<string>(
      (s) => {
        s.map((k, v) => KeyValue.pair(v, k)).to("swapped");
        s.selectKey((_k, v) => v.length).to("by-length");
        s.mapValues((v) => v.toUpperCase()).to("upper");
        s.mapValues((k: string, v: string) => `${k}:${v}`).to("with-key");
        s.flatMap((k, v) => [...v].map((c) => ({ key: `${k}${c}`, value: c }))).to("chars");
        s.flatMapValues((v) => v.split(" ")).to("words");
      },
      [["k", "hi there", 1]],
    );
    expect(kvs(driver, "swapped")).toEqual([["hi there", "k"]]);
    expect(kvs(driver, "by-length")).toEqual([[8, "hi there"]]);
    expect(kvs(driver, "upper")).toEqual([["k", "HI THERE"]]);
    expect(kvs(driver, "with-key")).toEqual([["k", "k:hi there"]]);
    expect(kvs(driver, "chars").slice(0, 3)).toEqual([
      ["kh", "h"],
      ["ki", "i"],
      ["k ", " "],
    ]);
    expect(kvs(driver, "words")).toEqual([
      ["k", "hi"],
      ["k", "there"],
    ]);
  });

  it("peek and foreach see every record; foreach ends the stream", () => {
    const seen: string[] = [];
    const driver = run<string>(
      (s) => {
        s.peek((k) => seen.push(`peek ${k}`)).to("out");
        s.foreach((k, v) => seen.push(`foreach ${k}=${v}`));
      },
      [["a", "x", 1]],
    );
    expect(seen).toEqual(["peek a", "foreach a=x"]);
    expect(kvs(driver, "out")).toEqual([["a", "x"]]);
  });

  it("split(): first matching branch wins, the default branch takes the rest", () => {
    const b = new StreamsBuilder();
    const branches = b
      .stream<string, number>("in")
      .split(Named.as("n-"))
      .branch((_k, v) => v < 0, Branched.as("neg"))
      .branch((_k, v) => v < 10, Branched.withFunction((s) => s.mapValues((v) => v * 100), "small"))
      .defaultBranch(Branched.withConsumer((s) => s.to("big")));
    branches.get("n-neg")!.to("neg");
    branches.get("n-small")!.to("small");
    expect([...branches.keys()]).toEqual(["n-neg", "n-small"]);
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic<string, number>("in");
    for (const v of [-1, 5, 50, -7]) input.pipeInput("k", v, 0);
    expect(driver.createOutputTopic("neg").readValuesToList()).toEqual([-1, -7]);
    expect(driver.createOutputTopic("small").readValuesToList()).toEqual([500]);
    expect(driver.createOutputTopic("big").readValuesToList()).toEqual([50]);
  });

  it("merge() interleaves two streams in processing order", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("a").merge(b.stream<string, string>("b")).to("out");
    const driver = new TopologyTestDriver(b.build());
    driver.createInputTopic<string, string>("a").pipeInput("k", "from-a", 1);
    driver.createInputTopic<string, string>("b").pipeInput("k", "from-b", 2);
    expect(driver.createOutputTopic("out").readValuesToList()).toEqual(["from-a", "from-b"]);
  });

  it("to() with a topic extractor, and headers travel with the record", () => {
    const b = new StreamsBuilder();
    b.stream<string, { region: string }>("in").to((_k, v, ctx) => `${v.region}-${ctx.topic}`);
    const driver = new TopologyTestDriver(b.build());
    driver.createInputTopic<string, { region: string }>("in").pipeInput("k", { region: "eu" }, 5, new Headers().add("trace", "t1"));
    const [r] = driver.createOutputTopic("eu-in").readRecordsToList();
    expect(r!.value).toEqual({ region: "eu" });
    expect(new TextDecoder().decode(r!.headers[0]!.value!)).toBe("t1");
  });

  it("sources deserialize with the scenario rules by default, Consumed serdes and extractors override", () => {
    const b = new StreamsBuilder();
    b.stream("json").mapValues((v) => typeof v).to("types");
    b.stream("raw", Consumed.with(Serdes.String(), Serdes.String()).withTimestampExtractor((r) => Number((r.value as string).split(",")[0])))
      .mapValues((v: string) => v.split(",")[1])
      .to("extracted");
    const driver = new TopologyTestDriver(b.build());
    const json = driver.createInputTopic("json", Serdes.String(), Serdes.String());
    for (const v of ["42", "{\"a\":1}", "hello", "true"]) json.pipeInput("k", v, 0);
    expect(driver.createOutputTopic("types").readValuesToList()).toEqual(["number", "object", "string", "boolean"]);
    driver.createInputTopic("raw", Serdes.String(), Serdes.String()).pipeInput("k", "1522846456703,101", 7);
    expect(driver.createOutputTopic("extracted", Serdes.String(), Serdes.String()).readRecordsToList().map((r) => [r.value, r.timestamp])).toEqual([["101", 1522846456703]]);
  });

  it("sinks write strings as UTF-8 and other values as JSON text; Produced serdes override", () => {
    const b = new StreamsBuilder();
    const s = b.stream<string, unknown>("in");
    s.to("default");
    s.mapValues(() => 7).to("longs", Produced.with(Serdes.String(), Serdes.Long()));
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic<string, unknown>("in");
    input.pipeInput("k", "text", 0);
    input.pipeInput("k", { n: 1 }, 0);
    const raw = driver.createOutputTopic("default", Serdes.ByteArray(), Serdes.ByteArray()).readValuesToList();
    expect(raw.map((v) => new TextDecoder().decode(v))).toEqual(["text", '{"n":1}']);
    expect([...driver.createOutputTopic("longs", Serdes.String(), Serdes.ByteArray()).readValuesToList()[0]!]).toEqual([0, 0, 0, 0, 0, 0, 0, 7]);
  });

  it("repartition() goes through <application.id>-<name>-repartition and comes back", () => {
    const driver = run<string>(
      (s) => s.selectKey((_k, v) => v).repartition(Repartitioned.as("by-value")).to("out"),
      [["a", "x", 3]],
      "myapp",
    );
    expect(driver.producedTopicNames()).toContain("myapp-by-value-repartition");
    expect(driver.createOutputTopic("out").readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([["x", "x", 3]]);
  });

  it("a repartition drops null keys before the topic (no downstream left join)", () => {
    const driver = run<string>((s) => s.groupBy((_k, v) => (v === "none" ? null : v)).count().toStream().to("counts"), [
      ["a", "x", 1],
      ["b", "none", 2],
      ["c", "x", 3],
    ]);
    expect(kvs(driver, "counts")).toEqual([
      ["x", 1],
      ["x", 2],
    ]);
  });

  it("an exception in user code stops processing with a StreamsException naming task, node, topic, partition and offset", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in")
      .mapValues((v) => {
        if (v === "bad") throw new Error("cannot parse bad");
        return v;
      })
      .to("out");
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic<string, string>("in");
    input.pipeInput("k", "ok", 0);
    let error: unknown;
    try {
      input.pipeInput("k", "bad", 0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StreamsException);
    const se = error as StreamsException;
    expect(se.origin).toEqual({ taskId: "0_0", processor: "KSTREAM-MAPVALUES-0000000001", topic: "in", partition: 0, offset: 1 });
    expect(se.message).toContain("cannot parse bad");
    expect((se.cause as Error).message).toBe("cannot parse bad");
  });

  it("pipeInput on a topic the topology does not read is refused", () => {
    const b = new StreamsBuilder();
    b.stream("in").to("out");
    const driver = new TopologyTestDriver(b.build());
    expect(() => driver.createInputTopic("elsewhere")).toThrow("Unknown topic: elsewhere");
  });

  it("a sink whose topic the topology also reads feeds the record back in", () => {
    const b = new StreamsBuilder();
    b.stream<string, number>("in").mapValues((v) => v + 1).to("middle");
    b.stream<string, number>("middle").mapValues((v) => v * 10).to("out");
    const driver = new TopologyTestDriver(b.build());
    driver.createInputTopic<string, number>("in").pipeInput("k", 1, 0);
    expect(driver.createOutputTopic("out").readValuesToList()).toEqual([20]);
  });
});
