import { codecBenchmark } from "../shared/codec";

export default codecBenchmark;
