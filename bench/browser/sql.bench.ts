/**
 * Streaming SQL next to the same queries in the DSL, in a dedicated worker of Chromium:
 * the engine, the applications' hosts and their processing runtimes all in the one worker,
 * as the broker worker runs SQL queries in the workbench (see bench/shared/sql.ts).
 */
import { sqlBenchmark } from "../shared/sql";

export default sqlBenchmark;
