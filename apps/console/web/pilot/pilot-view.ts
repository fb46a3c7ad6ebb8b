import { api, ApiError } from '../api';
import type { LonLat } from '../display-datum';
import { clear, h } from '../dom';
import { tf, tfOr, type FieldMessageKey } from '../field-messages';
import { formatDateTime, formatKm, formatTime, t } from '../i18n';
import type { MapView } from '../map-view';
import { loadSession } from '../session';
import { altitudeChart } from './altitude-chart';
import './pilot.css';
import { flightProfile, groundEstimate, pathProfile, type PlanFileLike } from './altitude-profile';

interface MissionSummary {
  id: string;
  region: string;
  sortie: number;
  droneSerial: string;
  status: string;
  operation: string;
  launchAt: string;
  landAt: string;
  distanceM: number;
  energyWh: number;
}
interface Mission extends MissionSummary {
  checklist: Record<string, boolean>;
  checklistComplete: boolean;
  missingChecklistItems: string[];
  reason: string | null;
  path: { geometry: { coordinates: LonLat[] } };
  flight: {
    home: { elevationAmslM: number };
    spot: { id: string; lowering: string };
    cruiseAltitudeAboveTakeoffM: number;
  };
}

/** The checklist items in the order a pilot walks round the aircraft (the API's names). */
const CHECKLIST = ['battery', 'payloadSecured', 'weather', 'airspace', 'landingSpotClear'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const missionState = (status: string) => tfOr(`missionState_${status}`, status);

/** The `.plan` as the API sends it (kept byte for byte for the download). */
async function fetchPlanFile(id: string): Promise<string> {
  const token = loadSession()?.token;
  const res = await fetch(`/api/planner/pilot/missions/${id}/plan`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  if (!res.ok) {
    const body = text
      ? JSON.parse(text)
      : { error: `http_${res.status}`, message: res.statusText, details: [] };
    throw new ApiError(res.status, body);
  }
  return text;
}

/**
 * The pilot's view: their own missions (state, time, drone, distance); one mission's flight path on
 * the map, its altitude profile, the pre-flight checklist, accept or reject with a reason, and the
 * QGroundControl `.plan` to download. The API serves only this pilot's missions.
 */
export class PilotView {
  readonly el: HTMLElement;
  private readonly listBox = h('section', { class: 'card', 'data-testid': 'missions' });
  private readonly missionBox = h('section', { class: 'card', 'data-testid': 'mission' });
  private readonly profileBox = h('section', { class: 'card', 'data-testid': 'profile' });
  private readonly checklistBox = h('section', { class: 'card', 'data-testid': 'checklist' });
  private missions: MissionSummary[] = [];
  /** The cursor of the next page of missions (the list is paged, soonest first); null when all are shown. */
  private nextCursor: string | null = null;
  private selected: string | null = null;

  constructor(private readonly map: MapView) {
    this.el = h(
      'div',
      { class: 'panel', 'data-testid': 'pilot-view' },
      this.listBox,
      this.missionBox,
      this.profileBox,
      this.checklistBox,
    );
  }

  async start(): Promise<void> {
    await this.loadList();
    // A mission named in the address (#/pilot?mission=…) opens directly; else the first waiting one.
    const asked = new URLSearchParams(location.hash.split('?')[1] ?? '').get('mission');
    const first =
      this.missions.find((m) => m.id === asked) ??
      this.missions.find((m) => m.status === 'assigned') ??
      this.missions[0];
    if (first) await this.open(first.id);
  }

  /** Loads the first page of the pilot's missions; `more` appends the next. */
  private async loadList(more = false): Promise<void> {
    const page = await api<{ items: MissionSummary[]; nextCursor: string | null }>(
      'planner',
      '/pilot/missions',
      { query: { limit: '100', cursor: more ? (this.nextCursor ?? undefined) : undefined } },
    );
    this.missions = more ? [...this.missions, ...page.items] : page.items;
    this.nextCursor = page.nextCursor;
    clear(
      this.listBox,
      h('h2', {}, tf('missions')),
      this.missions.length
        ? h(
            'div',
            { class: 'missions-list' },
            h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', {}, tf('launch')),
                  h('th', {}, tf('drone')),
                  h('th', {}, tf('distance')),
                  h('th', {}, tf('operation')),
                  h('th', {}, tf('state')),
                ),
              ),
              h(
                'tbody',
                {},
                this.missions.map((m) =>
                  h(
                    'tr',
                    {
                      class: m.id === this.selected ? 'selected' : '',
                      'data-testid': 'mission-row',
                      'data-mission': m.id,
                      tabindex: 0,
                      onclick: () => void this.open(m.id).catch((e) => this.fail(e)),
                      onkeydown: (e: Event) => {
                        if ((e as KeyboardEvent).key === 'Enter')
                          void this.open(m.id).catch((err) => this.fail(err));
                      },
                    },
                    h('td', {}, `${formatTime(m.launchAt)}–${formatTime(m.landAt)}`),
                    h('td', {}, `${m.droneSerial} #${m.sortie}`),
                    h('td', {}, formatKm(m.distanceM)),
                    h('td', {}, m.operation.toUpperCase()),
                    h('td', { 'data-testid': 'mission-state' }, missionState(m.status)),
                  ),
                ),
              ),
            ),
          )
        : h('p', {}, tf('noMissions')),
      this.nextCursor
        ? h(
            'button',
            {
              class: 'small',
              'data-testid': 'missions-more',
              onclick: () => void this.loadList(true).catch((e) => this.fail(e)),
            },
            t('more'),
          )
        : null,
    );
  }

  private async open(id: string): Promise<void> {
    this.selected = id;
    for (const row of this.listBox.querySelectorAll('tr[data-mission]'))
      row.classList.toggle('selected', row.getAttribute('data-mission') === id);
    const [mission, planText] = await Promise.all([
      api<Mission>('planner', `/pilot/missions/${id}`),
      // A mission without a stored .plan (409) still shows, checks and decides; only the download is missing.
      fetchPlanFile(id).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 409) return null;
        throw error;
      }),
    ]);
    this.showMission(mission, planText);
    await this.showProfile(mission, planText === null ? null : (JSON.parse(planText) as PlanFileLike));
    this.showChecklist(mission);
  }

  private showMission(mission: Mission, planText: string | null): void {
    const line = mission.path.geometry.coordinates;
    this.map.layers.showFlights([
      { id: mission.id, label: `${mission.droneSerial} #${mission.sortie}`, line },
    ]);
    this.map.frame(line);
    const download =
      planText === null
        ? null
        : h(
            'button',
            {
              'data-testid': 'download-plan',
              onclick: () => {
                const url = URL.createObjectURL(new Blob([planText], { type: 'application/json' }));
                const a = h('a', { href: url, download: `mission-${mission.id}.plan` });
                document.body.append(a);
                a.click();
                a.remove();
                setTimeout(() => URL.revokeObjectURL(url), 10_000);
              },
            },
            tf('downloadPlan'),
          );
    const figure = (label: string, value: string, id?: string) =>
      h(
        'div',
        { class: 'figure' },
        h('span', {}, label),
        h('strong', id ? { 'data-testid': id } : {}, value),
      );
    clear(
      this.missionBox,
      h('h2', {}, `${tf('mission')} ${mission.droneSerial} #${mission.sortie}`),
      h(
        'div',
        { class: 'figures' },
        figure(tf('state'), missionState(mission.status), 'mission-status'),
        figure(tf('launch'), formatDateTime(mission.launchAt)),
        figure(tf('distance'), formatKm(mission.distanceM)),
        figure(tf('energy'), `${Math.round(mission.energyWh)} Wh`),
        figure(tf('operation'), mission.operation.toUpperCase()),
      ),
      mission.reason ? h('p', { 'data-testid': 'mission-reason' }, mission.reason) : null,
      h('div', { class: 'actions' }, download),
    );
  }

  private async showProfile(mission: Mission, plan: PlanFileLike | null): Promise<void> {
    const profile = plan
      ? flightProfile(plan)
      : pathProfile(mission.path.geometry.coordinates, mission.flight.cruiseAltitudeAboveTakeoffM);
    // The ground is known only where the port and the spot carry an elevation (no elevation model).
    // The planner writes 0 for a port without one, so only a positive port elevation counts as known.
    const homeAmslM = mission.flight.home.elevationAmslM > 0 ? mission.flight.home.elevationAmslM : null;
    let spotAmslM: number | null = null;
    if (homeAmslM !== null && UUID.test(mission.flight.spot.id)) {
      const spot = await api<{ properties: { elevationAmslM: number | null } }>(
        'intake',
        `/regions/${encodeURIComponent(mission.region)}/landing-spots/${mission.flight.spot.id}`,
      ).catch(() => null);
      spotAmslM = spot?.properties.elevationAmslM ?? null;
    }
    const ground = groundEstimate(profile, { homeAmslM, spotAmslM });
    clear(
      this.profileBox,
      h('h2', {}, tf('altitudeProfile')),
      altitudeChart(profile, ground),
      ground
        ? h('p', { class: 'note' }, tf('groundEstimate'))
        : h('p', { class: 'note' }, tf('terrainUnknown')),
    );
  }

  private showChecklist(mission: Mission): void {
    const open = mission.status === 'assigned';
    const result = h('p', { 'data-testid': 'mission-result', role: 'status' });
    const boxes = CHECKLIST.map((item) => {
      const box = h('input', {
        type: 'checkbox',
        name: item,
        'data-testid': `check-${item}`,
        disabled: !open,
      });
      box.checked = mission.checklist[item] === true;
      box.addEventListener('change', () => void this.tick(mission.id, item, box.checked, result));
      return h('label', { class: 'check' }, box, ` ${tf(`check_${item}` as FieldMessageKey)}`);
    });
    const reason = h('textarea', {
      name: 'reason',
      rows: 2,
      placeholder: tf('rejectReason'),
      'data-testid': 'reject-reason',
      disabled: !open,
    });
    const accept = h(
      'button',
      {
        class: 'primary',
        'data-testid': 'accept',
        disabled: !open || !mission.checklistComplete,
        onclick: () => void this.decide(mission.id, 'accept', undefined, result),
      },
      tf('accept'),
    );
    const reject = h(
      'button',
      {
        'data-testid': 'reject',
        disabled: !open,
        onclick: () => void this.decide(mission.id, 'reject', reason.value, result),
      },
      tf('reject'),
    );
    clear(
      this.checklistBox,
      h('h2', {}, tf('checklist')),
      h('div', { class: 'checklist' }, boxes),
      open && !mission.checklistComplete ? h('p', { class: 'note' }, tf('checklistIncomplete')) : null,
      h('div', { class: 'actions' }, accept),
      h('div', { class: 'reject' }, reason, reject),
      result,
    );
  }

  private async tick(id: string, item: string, checked: boolean, result: HTMLElement): Promise<void> {
    try {
      const mission = await api<Mission>('planner', `/pilot/missions/${id}/checklist`, {
        method: 'PUT',
        body: { [item]: checked },
      });
      this.showChecklist(mission);
    } catch (error) {
      this.refused(error, result);
    }
  }

  private async decide(
    id: string,
    action: 'accept' | 'reject',
    reason: string | undefined,
    result: HTMLElement,
  ): Promise<void> {
    try {
      const mission = await api<Mission>('planner', `/pilot/missions/${id}/${action}`, {
        method: 'POST',
        body: action === 'reject' ? { reason: reason ?? '' } : {},
      });
      await this.loadList();
      this.showMission(mission, await fetchPlanFile(id).catch(() => null));
      this.showChecklist(mission);
      const fresh = this.checklistBox.querySelector('[data-testid="mission-result"]') ?? result;
      fresh.textContent = tf(action === 'accept' ? 'accepted' : 'rejected');
      fresh.className = 'ok';
    } catch (error) {
      this.refused(error, result);
    }
  }

  private refused(error: unknown, result: HTMLElement): void {
    if (!(error instanceof ApiError)) throw error;
    result.textContent = tf('refused', { message: error.describe() });
    result.className = 'refused';
  }

  private fail(error: unknown): void {
    const message = error instanceof ApiError ? error.describe() : String(error);
    clear(this.missionBox, h('p', { class: 'refused' }, message));
  }
}
