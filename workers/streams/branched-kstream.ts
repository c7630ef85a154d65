import type { Branched } from "./branched";
import { graphNode, type GraphNode } from "./dsl/internal-builder";
import { KStream, orElseGenerate } from "./kstream";
import { branchSupplier, passThroughSupplier, type Predicate } from "./processor/processors/stateless";

const BRANCH_NAME = "KSTREAM-BRANCH-";

/**
 * The result of `KStream.split()`: add branches with predicates; each record goes to the
 * first matching branch (Kafka's `BranchedKStream`). Branch names are the split's name plus
 * the branch name, or its position (1, 2, …; 0 for the default branch).
 */
export class BranchedKStream<K, V> {
  private readonly splitterName: string;
  private readonly predicates: Array<Predicate<K, V>> = [];
  private readonly childNames: string[] = [];
  private readonly splitterNode: GraphNode;
  private readonly outputBranches = new Map<string, KStream<K, V>>();

  /** @internal */
  constructor(
    private readonly source: KStream<K, V>,
    private readonly repartitionRequired: boolean,
    name: string | undefined,
  ) {
    this.splitterName = orElseGenerate(source.builder, name, BRANCH_NAME);
    const splitterName = this.splitterName;
    const supplier = branchSupplier(this.predicates, this.childNames);
    this.splitterNode = graphNode(splitterName, (t, parents) => t.addProcessorNode(splitterName, supplier as never, parents));
    source.builder.addGraphNode(source.graphNode, this.splitterNode);
  }

  branch(predicate: Predicate<K, V>, branched?: Branched<K, V>): this {
    this.predicates.push(predicate);
    this.createBranch(branched, this.predicates.length);
    return this;
  }

  /** Records that matched no predicate go here. Returns every branch stream by name. */
  defaultBranch(branched?: Branched<K, V>): Map<string, KStream<K, V>> {
    this.createBranch(branched, 0);
    return this.outputBranches;
  }

  /** Records that matched no predicate are dropped. Returns every branch stream by name. */
  noDefaultBranch(): Map<string, KStream<K, V>> {
    return this.outputBranches;
  }

  private createBranch(branched: Branched<K, V> | undefined, index: number): void {
    const childName = branched?.name === undefined ? this.splitterName + String(index) : this.splitterName + branched.name;
    this.childNames.push(childName);
    // Kafka burns a counter value per branch to keep later names stable.
    this.source.builder.newProcessorName(childName);
    const node = graphNode(childName, (t, parents) => t.addProcessorNode(childName, passThroughSupplier() as never, parents));
    this.source.builder.addGraphNode(this.splitterNode, node);
    const branch = new KStream<K, V>(
      childName,
      this.source.keySerde,
      this.source.valueSerde,
      this.source.subTopologySourceNodes,
      this.repartitionRequired,
      node,
      this.source.builder,
    );
    if (branched?.chainFunction) {
      const result = branched.chainFunction(branch);
      if (result) this.outputBranches.set(childName, result);
    } else if (branched?.chainConsumer) {
      branched.chainConsumer(branch);
    } else {
      this.outputBranches.set(childName, branch);
    }
  }
}
