import L from 'leaflet';
import { h } from '../dom';
import { formatTime } from '../i18n';
import { toLatLng, type Datum } from '../display-datum';
import { alertKindText, liveText } from './live-text';
import { followLiveStream, type LiveAlert, type LivePosition } from './live-stream';
import './live.css';

/** Alerts kept in the panel (newest first). */
const ALERTS_SHOWN = 12;

/**
 * Couriers and drones moving on the map as telemetry arrives, and alerts as they happen, in a panel
 * over the map. One per map; `stop()` closes the stream when the view goes.
 */
export class LiveLayer {
  private readonly markers = new Map<string, L.CircleMarker>();
  private readonly layer = L.layerGroup();
  private readonly panel: L.Control;
  private readonly statusEl = h('div', { class: 'rd-live-status', 'data-testid': 'live-status' });
  private readonly alertsEl = h(
    'ol',
    { class: 'rd-live-alerts', 'data-testid': 'live-alerts' },
    h('li', { class: 'none' }, liveText('noAlerts')),
  );
  private readonly abort = new AbortController();

  constructor(
    map: L.Map,
    private readonly datum: Datum,
  ) {
    this.layer.addTo(map);
    const box = h(
      'div',
      { class: 'rd-live-panel', 'data-testid': 'live-panel' },
      h('strong', {}, liveText('title')),
      this.statusEl,
      // Which moving dot is which: a drone's orange dot is easily taken for a township station.
      h(
        'div',
        { class: 'rd-live-key', 'data-testid': 'live-key' },
        h('span', { class: 'rd-live-swatch courier' }),
        liveText('courier'),
        h('span', { class: 'rd-live-swatch drone' }),
        liveText('drone'),
      ),
      this.alertsEl,
    );
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    const Panel = L.Control.extend({ onAdd: () => box });
    this.panel = new Panel({ position: 'topright' });
    this.panel.addTo(map);
  }

  /** Follows one region's devices and alerts (the region the console shows). */
  start(token: string, region: string): void {
    void followLiveStream(
      token,
      region,
      {
        positions: (positions) => this.move(positions),
        alert: (alert) => this.showAlert(alert),
        status: (state) => {
          this.statusEl.dataset.state = state;
          this.statusEl.textContent =
            state === 'connected' ? liveText('connected', { n: this.markers.size }) : liveText(state);
        },
      },
      this.abort.signal,
    );
  }

  stop(): void {
    this.abort.abort();
    this.panel.remove();
    this.layer.remove();
  }

  private move(positions: LivePosition[]): void {
    for (const p of positions) {
      const at = toLatLng(this.datum, [p.lon, p.lat]);
      const known = this.markers.get(p.deviceId);
      if (known) {
        known.setLatLng(at).setTooltipContent(this.describe(p));
        continue;
      }
      const drone = p.kind === 'drone';
      const marker = L.circleMarker(at, {
        radius: drone ? 7 : 8,
        color: '#fff',
        weight: 2,
        fillColor: drone ? '#ff6a00' : '#0057b8',
        fillOpacity: 1,
        className: `rd-live rd-live-${p.kind}`,
      })
        .bindTooltip(this.describe(p))
        .addTo(this.layer);
      marker.getElement()?.setAttribute('data-device', p.deviceId);
      this.markers.set(p.deviceId, marker);
    }
    if (this.statusEl.dataset.state === 'connected')
      this.statusEl.textContent = liveText('connected', { n: this.markers.size });
  }

  private describe(p: LivePosition): string {
    const parts = [`${liveText(p.kind)} ${p.deviceId}`];
    if (p.speedMps !== null) parts.push(liveText('speed', { v: Math.round(p.speedMps * 3.6) }));
    if (p.batteryLevel !== null)
      parts.push(liveText('battery', { v: `${Math.round(p.batteryLevel * 100)}%` }));
    parts.push(liveText('seenAt', { t: formatTime(new Date(p.fixTimeMs).toISOString()) }));
    return parts.join(' · ');
  }

  private showAlert(alert: LiveAlert): void {
    this.alertsEl.querySelector('li.none')?.remove();
    const item = h(
      'li',
      { class: `rd-live-alert ${alert.severity}`, 'data-testid': 'live-alert', 'data-kind': alert.kind },
      h('time', {}, formatTime(alert.raisedAt)),
      ' ',
      h('b', {}, alertKindText(alert.kind)),
      alert.deviceId ? ` · ${alert.deviceId}` : '',
      h('div', { class: 'msg' }, alert.message),
    );
    this.alertsEl.prepend(item);
    while (this.alertsEl.children.length > ALERTS_SHOWN) this.alertsEl.lastElementChild?.remove();
    // The device with the alert stands out on the map until its next alert-free picture.
    const marker = alert.deviceId ? this.markers.get(alert.deviceId) : undefined;
    if (marker) marker.setStyle({ color: '#d40000', weight: 3 });
  }
}
