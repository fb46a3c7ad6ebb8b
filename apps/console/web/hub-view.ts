import { api, apiAll, ApiError } from './api';
import { clear, h } from './dom';
import { DeparturesPanel } from './hub/departures-panel';
import { VillageAgentPanel } from './hub/village-agent-panel';
import { formatDateTime, t } from './i18n';
import type { MapView } from './map-view';

interface Hub {
  id: string;
  code: string;
  name: string;
  kind: string;
  region: string;
  location: [number, number];
}
interface Parcel {
  id: string;
  trackingNumber: string;
  status: string;
  currentHubId: string | null;
  weightG: number;
}
interface ParcelEvent {
  seq: number;
  type: string;
  fromStatus: string;
  hubId: string | null;
  occurredAt: string;
  actor: { role: string };
}

/** Scans a hub operator records at a hand-over (courier and drone hand-overs need a courier or drone: not here). */
const HUB_SCANS = ['received_at_hub', 'sorted', 'loaded', 'returned'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The hub operator's view: one input that a barcode scanner (a keyboard that types and presses Enter)
 * or a person fills; the parcel's history with the new event; what sits at the hub.
 */
export class HubView {
  readonly el: HTMLElement;
  private readonly hubSelect = h('select', { name: 'hubId', 'data-testid': 'hub' });
  private readonly eventSelect = h(
    'select',
    { name: 'type', 'data-testid': 'scan-type' },
    HUB_SCANS.map((s) => h('option', { value: s }, s)),
  );
  private readonly code = h('input', {
    name: 'code',
    autocomplete: 'off',
    autofocus: true,
    placeholder: t('scanHint'),
    'data-testid': 'scan-input',
  });
  private readonly result = h('div', { 'data-testid': 'scan-result', role: 'status' });
  private readonly history = h('section', { class: 'card', 'data-testid': 'history' });
  private readonly atHub = h('section', { class: 'card', 'data-testid': 'at-hub' });
  private readonly departures: DeparturesPanel;

  /** `ownHubId`: the hub the operator's token confines them to (a village point's agent gets its panel). */
  constructor(
    private readonly region: string,
    private readonly map?: MapView,
    private readonly ownHubId?: string,
  ) {
    this.departures = new DeparturesPanel(map);
    const form = h(
      'form',
      {
        class: 'scan',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void this.scan();
        },
      },
      h('label', {}, t('hub'), this.hubSelect),
      h('label', {}, t('event'), this.eventSelect),
      h('label', { class: 'wide' }, t('scanHint'), this.code),
      h('button', { type: 'submit', 'data-testid': 'scan-submit' }, t('scan')),
    );
    this.hubSelect.addEventListener('change', () => void this.loadAtHub());
    this.el = h(
      'div',
      { class: 'panel', 'data-testid': 'hub-view' },
      h('section', { class: 'card' }, h('h2', {}, t('scanTitle')), form, this.result),
      this.history,
      this.atHub,
      this.departures.el,
    );
  }

  async start(): Promise<void> {
    if (this.ownHubId && (await this.startAsVillageAgent(this.ownHubId))) return;
    const hubs = await apiAll<Hub>('intake', '/hubs', { region: this.region });
    clear(
      this.hubSelect,
      hubs.map((hub) => h('option', { value: hub.id }, `${hub.name} (${hub.code})`)),
    );
    await this.loadAtHub();
    this.code.focus();
  }

  /** The agent of a village service point works only there: their panel replaces the hub's scans. */
  private async startAsVillageAgent(hubId: string): Promise<boolean> {
    const hub = await api<Hub>('intake', `/hubs/${hubId}`);
    if (hub.kind !== 'village_service_point') return false;
    const panel = new VillageAgentPanel(hub.id);
    clear(this.el, panel.el);
    this.map?.showHubs([hub]);
    // The agent's village, about 2 km around the point.
    const [lon, lat] = hub.location;
    this.map?.frame([
      [lon - 0.02, lat - 0.015],
      [lon + 0.02, lat + 0.015],
    ]);
    await panel.start();
    return true;
  }

  private async findParcel(code: string): Promise<Parcel | null> {
    if (UUID.test(code)) {
      try {
        return await api<Parcel>('intake', `/parcels/${code}`);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    }
    const page = await api<{ items: Parcel[] }>('intake', '/parcels', { query: { trackingNumber: code } });
    return page.items[0] ?? null;
  }

  private async scan(): Promise<void> {
    const code = this.code.value.trim();
    // Ready for the next label at once: the scanner types into the same field while the history loads
    this.code.value = '';
    if (!code) return;
    this.result.className = '';
    try {
      const parcel = await this.findParcel(code);
      if (!parcel) {
        this.show('refused', t('parcelNotFound'));
        return;
      }
      const type = this.eventSelect.value;
      await api('intake', `/parcels/${parcel.id}/events`, {
        method: 'POST',
        body: { type, hubId: this.hubSelect.value || undefined },
      });
      this.show('ok', `${t('scanned', { type })} · ${parcel.trackingNumber}`);
      await this.showHistory(parcel);
      await this.loadAtHub();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // An illegal transition's message names the state and the allowed next scans.
      this.show('refused', t('refused', { message: error.describe() }));
    } finally {
      this.code.focus();
    }
  }

  private show(kind: 'ok' | 'refused', text: string): void {
    this.result.className = kind;
    this.result.textContent = text;
  }

  private async showHistory(parcel: Parcel): Promise<void> {
    const events = await api<ParcelEvent[]>('intake', `/parcels/${parcel.id}/events`);
    clear(
      this.history,
      h('h2', {}, `${t('history')} · ${parcel.trackingNumber}`),
      h(
        'ol',
        { class: 'events' },
        events.map((e, i) =>
          h(
            'li',
            { 'data-testid': 'event', class: i === events.length - 1 ? 'new' : '' },
            h('time', {}, formatDateTime(e.occurredAt)),
            ` ${e.fromStatus} → ${e.type} (${e.actor.role})`,
          ),
        ),
      ),
    );
  }

  private async loadAtHub(): Promise<void> {
    const hubId = this.hubSelect.value;
    if (!hubId) return;
    const departures = this.departures.load(hubId);
    const page = await api<{ items: Parcel[] }>('intake', '/parcels', { query: { hubId, limit: '100' } });
    // The list also names parcels whose order starts here; what sits here has this hub as its current one.
    const here = page.items.filter((p) => p.currentHubId === hubId);
    clear(
      this.atHub,
      h('h2', {}, `${t('atHub')} (${here.length})`),
      here.length
        ? h(
            'ul',
            {},
            here.map((p) => h('li', { 'data-testid': 'at-hub-parcel' }, `${p.trackingNumber} · ${p.status}`)),
          )
        : h('p', {}, t('nothingAtHub')),
    );
    await departures;
  }
}
