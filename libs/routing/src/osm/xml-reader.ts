import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { RoutingError } from '../errors';
import type { OsmTags } from '../profiles';
import { NODE_KEYS_KEPT, OsmCollector, restrictionFromMembers, type OsmData } from './osm-data';

/** Parses OSM XML (`<osm><node/><way><nd/><tag/></way>…`). Throws RoutingError('corrupt-file') on malformed XML. */
export function readOsmXml(text: string, name = 'file'): OsmData {
  const out = new OsmCollector();
  const parser = new SaxesParser();
  let sawRoot = false;
  let wayId = -1;
  let nodeId = -1;
  let relationId = -1;
  let relTags: Record<string, string> = {};
  let memIds: number[] = [];
  let memTypes: number[] = [];
  let memRoles: string[] = [];
  let nodeTags: Record<string, string> = {};
  let refs: number[] = [];
  let tags: Record<string, string> = {};
  let error: RoutingError | null = null;
  const fail = (what: string): void => {
    error ??= new RoutingError(
      'corrupt-file',
      `${name}: corrupt or truncated OSM XML at line ${parser.line}: ${what}`,
    );
  };
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const a = tag.attributes as Record<string, string>;
    switch (tag.name) {
      case 'osm':
        sawRoot = true;
        break;
      case 'node': {
        const id = Number(a.id);
        const lon = Number(a.lon);
        const lat = Number(a.lat);
        if (!Number.isFinite(id) || !Number.isFinite(lon) || !Number.isFinite(lat))
          fail(`node without id/lat/lon`);
        else out.addNode(id, lon, lat);
        nodeId = id;
        nodeTags = {};
        break;
      }
      case 'way':
        wayId = Number(a.id);
        refs = [];
        tags = {};
        break;
      case 'relation':
        relationId = Number(a.id);
        relTags = {};
        memIds = [];
        memTypes = [];
        memRoles = [];
        break;
      case 'member':
        if (relationId >= 0) {
          memIds.push(Number(a.ref));
          memTypes.push(a.type === 'node' ? 0 : a.type === 'way' ? 1 : 2);
          memRoles.push(a.role ?? '');
        }
        break;
      case 'nd':
        if (wayId >= 0) refs.push(Number(a.ref));
        break;
      case 'tag':
        if (a.k === undefined || a.v === undefined) break;
        if (wayId >= 0) tags[a.k] = a.v;
        else if (nodeId >= 0) nodeTags[a.k] = a.v;
        else if (relationId >= 0) relTags[a.k] = a.v;
        break;
    }
  });
  parser.on('closetag', (tag) => {
    if (tag.name === 'node') {
      if (Object.keys(nodeTags).some((k) => NODE_KEYS_KEPT.has(k)))
        out.addBarrier(nodeId, nodeTags as OsmTags);
      nodeId = -1;
    } else if (tag.name === 'way') {
      out.addWay(wayId, refs, tags as OsmTags);
      wayId = -1;
    } else if (tag.name === 'relation') {
      if (relTags.type === 'restriction')
        out.addRestriction(
          restrictionFromMembers(relationId, relTags as OsmTags, memIds, memTypes, memRoles),
        );
      relationId = -1;
    }
  });
  parser.on('error', (e) => fail(e.message));
  try {
    parser.write(text).close();
  } catch (e) {
    fail((e as Error).message);
  }
  if (error) throw error;
  if (!sawRoot) throw new RoutingError('corrupt-file', `${name}: not OSM XML (no <osm> root element)`);
  return out.finish();
}
