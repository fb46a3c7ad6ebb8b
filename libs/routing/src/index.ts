export * from './errors';
export * from './geo';
export * from './profiles';
export * from './profile-file';
export * from './data-id';
export * from './road-graph';
export * from './build-graph';
export * from './import-osm';
export type { OsmData } from './osm/osm-data';
export { readOsmPbf } from './osm/pbf-reader';
export { readOsmXml } from './osm/xml-reader';
export * from './ch/contract';
export * from './ch/contraction-runner';
export {
  ShortcutList,
  type ShortcutRecords,
  WitnessSearch,
  type ContractionArrays,
  type ContractionSettings,
} from './ch/witness-search';
export * from './ch/renumber';
export * from './ch/ch-query';
export * from './ch/core-table';
export * from './ch/seeds';
export * from './dijkstra';
export { MinHeap } from './heap';
export * from './ch/many-to-many';
export * from './ch/packed-seeds';
export * from './components';
export * from './snap';
export * from './geometry';
export * from './routing-data';
export * from './road-router';
export * from './ch-road-router';
export * from './serialize';
export * from './synthetic/rural-network';
export * from './turns';
export * from './synthetic/mountain-county';
