/**
 * Where a search starts or ends: up to a few graph nodes, each with the weight and the second
 * figure already spent to reach it (from the source) or still to spend (to the target). A snapped
 * point mid-edge gives one or two seeds; a node gives one seed with zero cost.
 */
export class Seeds {
  nodes: number[] = [];
  weights: number[] = [];
  auxes: number[] = [];

  static node(node: number): Seeds {
    const s = new Seeds();
    s.add(node, 0, 0);
    return s;
  }

  add(node: number, weight: number, aux: number): void {
    if (weight === Infinity) return;
    for (let i = 0; i < this.nodes.length; i++) {
      if (this.nodes[i] === node) {
        if (weight < this.weights[i]) {
          this.weights[i] = weight;
          this.auxes[i] = aux;
        }
        return;
      }
    }
    this.nodes.push(node);
    this.weights.push(weight);
    this.auxes.push(aux);
  }

  get length(): number {
    return this.nodes.length;
  }
}

/** Result of a point-to-point search between seeds: `weight` Infinity when unreachable. */
export interface PathResult {
  weight: number;
  aux: number;
  /** Original edges of the path in travel order, as `edge * 2 + dir` (filled only when a path was asked for). */
  edgeDirs: number[];
  sourceNode: number;
  targetNode: number;
}

export const NO_PATH: PathResult = Object.freeze({
  weight: Infinity,
  aux: Infinity,
  edgeDirs: [],
  sourceNode: -1,
  targetNode: -1,
}) as PathResult;
