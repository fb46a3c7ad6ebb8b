import { contract, type ContractionHierarchy, type ContractOptions } from './ch/contract';
import { largestStronglyConnectedComponent } from './components';
import { graphDataId } from './data-id';
import { buildArcGraph, type RoadGraph, type Weighting } from './road-graph';
import { SnapIndex } from './snap';

/** Everything a router needs for one profile: the graph, its CH per weighting and the snapping index. */
export interface ProfileRoutingData {
  graph: RoadGraph;
  /** 1 for nodes of the largest strongly connected component. */
  inMain: Uint8Array;
  ch: Partial<Record<Weighting, ContractionHierarchy>>;
  snapIndex: SnapIndex;
  /** Content hash of the graph (graphDataId); snapped points carry it. */
  dataId: string;
}

export interface RoutingData {
  profiles: Record<string, ProfileRoutingData>;
}

export interface PrepareOptions {
  /** Weightings to contract (default both: fastest and shortest). */
  weightings?: readonly Weighting[];
  contract?: ContractOptions;
  /** Contraction order per weighting (ContractOptions.order), e.g. from the profile's own hierarchies. */
  contractOrder?: Partial<Record<Weighting, Uint32Array>>;
}

/** Finds the main component, builds the snapping index and contracts each graph once per weighting. */
export function prepareProfile(graph: RoadGraph, options: PrepareOptions = {}): ProfileRoutingData {
  const inMain = largestStronglyConnectedComponent(buildArcGraph(graph, 'fastest'));
  const ch: Partial<Record<Weighting, ContractionHierarchy>> = {};
  for (const w of options.weightings ?? (['fastest', 'shortest'] as const))
    ch[w] = contract(graph, w, { ...options.contract, order: options.contractOrder?.[w] });
  const dataId = graphDataId(graph);
  return { graph, inMain, ch, snapIndex: SnapIndex.build(graph, inMain, dataId), dataId };
}

export function prepareRoutingData(
  graphs: Record<string, RoadGraph>,
  options: PrepareOptions = {},
): RoutingData {
  const profiles: Record<string, ProfileRoutingData> = {};
  for (const [name, g] of Object.entries(graphs)) profiles[name] = prepareProfile(g, options);
  return { profiles };
}
