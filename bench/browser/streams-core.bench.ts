import { streamsCoreBenchmark } from "../shared/streams-core";

export default streamsCoreBenchmark;
