/** Streaming SQL next to the same queries in the DSL, on the broker in Node (see bench/shared/sql.ts). */
import { sqlBenchmark } from "../shared/sql";

export default sqlBenchmark;
