import type { AppConfig } from '@rd/config';

/** What the browser needs to know at start; no secrets. */
export interface ClientConfig {
  region: string;
  devLogin: boolean;
  tiles: { url: string; datum: 'wgs84' | 'gcj02' } | null;
  attribution: string;
}

/** Tile hosts that serve GCJ-02 maps (Amap/AutoNavi, Tencent). */
const GCJ02_HOSTS = /(^|\.)(autonavi\.com|amap\.com|map\.qq\.com|gtimg\.com|tencent\.com)$/i;

export function tileDatumOf(tileUrl: string, configured?: 'wgs84' | 'gcj02'): 'wgs84' | 'gcj02' {
  if (configured) return configured;
  // The host may itself be a template ({s}.tile…): only the host's tail matters here.
  const host = /^https?:\/\/([^/]+)/i.exec(tileUrl)?.[1] ?? '';
  return GCJ02_HOSTS.test(host) ? 'gcj02' : 'wgs84';
}

export function clientConfig(config: AppConfig): ClientConfig {
  return {
    region: config.CONSOLE_REGION,
    devLogin: config.CONSOLE_DEV_LOGIN,
    tiles: config.MAP_TILE_URL
      ? { url: config.MAP_TILE_URL, datum: tileDatumOf(config.MAP_TILE_URL, config.MAP_TILE_DATUM) }
      : null,
    attribution: '© OpenStreetMap contributors (ODbL)',
  };
}
