import { api, apiAll, ApiError } from './api';
import { clear, h } from './dom';
import { formatDateTime, formatKm, formatShare, formatTime, t, type MessageKey } from './i18n';
import { routeColour, type ClientConfig, type MapView } from './map-view';
import type { LonLat } from './display-datum';

interface Visit {
  seq: number;
  type: string;
  orderId: string | null;
  location: LonLat;
  arrivalAt: string;
  legGeometry: { coordinates: LonLat[] } | null;
}
interface Route {
  vehicleId: string;
  vehicleCode: string;
  vehicleKind: string;
  locked: boolean;
  committed: boolean;
  distanceM: number;
  geometry: { coordinates: LonLat[] } | null;
  visits: Visit[];
}
interface Plan {
  version: number;
  /** The service day (UTC date) the plan is for: a region has one current plan per day. */
  planDate: string;
  committedAt: string | null;
  summary: Record<string, unknown>;
  routes: Route[];
  sorties?: Array<{
    missionId: string;
    droneSerial: string;
    sortie: number;
    geometry: { coordinates: LonLat[] } | null;
  }>;
  unassigned: Array<{ orderId: string; reason: string; detail: string | null }>;
}
/** One page of a list the API pages. */
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface PlanHeader {
  version: number;
  planDate: string;
  status: string;
  summary: Record<string, unknown>;
}
interface Run {
  jobKey: string;
  status: 'running' | 'succeeded' | 'failed';
  stage: string;
  progress: Record<string, unknown>;
  error: string | null;
}
interface Order {
  id: string;
  kind: string;
  status: string;
  village: string | null;
  sender: { location: [number, number] };
  recipient: { name: string; location: [number, number] };
  window: { start: string; end: string };
}
interface Comparison {
  summary: Record<string, { from: unknown; to: unknown }>;
  movedOrders: Array<{ orderId: string }>;
}

const ORDER_STATUSES = ['accepted', 'planned', 'in_progress', 'completed', 'cancelled'];
const ORDER_KINDS = ['delivery', 'pickup'];
const RUN_POLL_MS = 1000;

const short = (id: string) => id.slice(0, 8);

/**
 * The dispatcher's view: plan now and watch the run, the summary and the diff against the previous
 * version, routes on the map (one colour each), lock, move a stop, commit; unassigned orders with
 * reasons; orders with filters.
 */
export class DispatcherView {
  readonly el: HTMLElement;
  private readonly planBox = h('section', { class: 'card', 'data-testid': 'plan' });
  private readonly runBox = h('p', { class: 'run', 'data-testid': 'run' });
  private readonly routesBox = h('section', { class: 'card', 'data-testid': 'routes' });
  private readonly moveBox = h('section', { class: 'card', 'data-testid': 'move' });
  private readonly unassignedBox = h('section', { class: 'card', 'data-testid': 'unassigned' });
  private readonly ordersBox = h('section', { class: 'card', 'data-testid': 'orders' });
  private plan: Plan | null = null;
  /** The service day on screen; unset, the API picks the first day from today with a current plan. */
  private day: string | undefined;
  /** The region's fleet, so a stop can move to a vehicle that has no route yet. */
  private fleet: Array<{ id: string; code: string }> = [];
  private readonly base: string;

  constructor(
    private readonly config: ClientConfig,
    private readonly map: MapView,
  ) {
    this.base = `/regions/${encodeURIComponent(config.region)}`;
    this.el = h(
      'div',
      { class: 'panel', 'data-testid': 'dispatcher-view' },
      this.planBox,
      this.routesBox,
      this.moveBox,
      this.unassignedBox,
      this.ordersBox,
    );
    this.renderOrders();
  }

  async start(): Promise<void> {
    const [hubs, vehicles] = await Promise.all([
      apiAll<{ id: string }>('intake', '/hubs', { region: this.config.region }),
      apiAll<{ id: string; code: string; homeHubId: string }>('intake', '/vehicles'),
    ]);
    const regionHubs = new Set(hubs.map((hub) => hub.id));
    this.fleet = vehicles.filter((v) => regionHubs.has(v.homeHubId)).map((v) => ({ id: v.id, code: v.code }));
    await this.loadPlan();
  }

  private async loadPlan(): Promise<void> {
    try {
      this.plan = await api<Plan>('planner', `${this.base}/plans/current`, { query: { day: this.day } });
      this.day = this.plan.planDate;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      this.plan = null;
    }
    await this.renderPlan();
    this.renderRoutes();
    this.renderMove();
    this.renderUnassigned();
  }

  private async renderPlan(): Promise<void> {
    const plan = this.plan;
    const planNow = h(
      'button',
      { class: 'primary', 'data-testid': 'plan-now', onclick: () => void this.planNow() },
      t('planNow'),
    );
    const dayPicker = h('label', { class: 'day' }, `${t('serviceDay')} `, this.dayInput());
    if (!plan) {
      clear(
        this.planBox,
        h('h2', {}, t('summary')),
        dayPicker,
        h('p', {}, t('noPlan')),
        planNow,
        this.runBox,
      );
      return;
    }
    const s = plan.summary;
    const figure = (label: string, value: string, id: string) =>
      h('div', { class: 'figure' }, h('span', {}, label), h('strong', { 'data-testid': id }, value));
    const commit = plan.committedAt
      ? h('p', { 'data-testid': 'committed' }, t('committedAt', { at: formatDateTime(plan.committedAt) }))
      : h(
          'button',
          { class: 'primary', 'data-testid': 'commit', onclick: () => void this.commit() },
          t('commit'),
        );
    const diff = h('div', { class: 'diff', 'data-testid': 'diff' });
    const proposals = h('div', { class: 'proposals', 'data-testid': 'proposals' });
    clear(
      this.planBox,
      h('h2', {}, `${t('summary')} · ${t('version', { v: plan.version })}`),
      dayPicker,
      h(
        'div',
        { class: 'figures' },
        figure(t('vehicles'), String(s.vehicles ?? plan.routes.length), 'sum-vehicles'),
        figure(t('distance'), formatKm(Number(s.distanceKm ?? 0) * 1000), 'sum-km'),
        figure(t('onTimeShare'), formatShare(Number(s.onTimeShare ?? 0)), 'sum-ontime'),
        figure(t('stops'), String(s.plannedStops ?? ''), 'sum-stops'),
        figure(t('unassignedCount'), String(s.unassigned ?? plan.unassigned.length), 'sum-unassigned'),
      ),
      diff,
      proposals,
      h('div', { class: 'actions' }, planNow, commit),
      this.runBox,
    );
    await this.renderDiff(plan, diff);
    await this.renderProposals(plan, proposals);
  }

  /** The day's proposals (solver plans made while the plan changed), each adoptable over the version on screen. */
  private async renderProposals(plan: Plan, box: HTMLElement): Promise<void> {
    const { items } = await api<Page<PlanHeader>>('planner', `${this.base}/plans/proposals`, {
      query: { day: plan.planDate },
    });
    if (!items.length) {
      clear(box);
      return;
    }
    clear(
      box,
      h('h3', {}, t('proposals')),
      h(
        'ul',
        {},
        items.map((p) =>
          h(
            'li',
            { 'data-testid': 'proposal' },
            t('proposalOf', {
              v: p.version,
              stops: String(p.summary.plannedStops ?? '–'),
              unassigned: String(p.summary.unassigned ?? '–'),
            }),
            ' ',
            h(
              'button',
              { 'data-testid': 'adopt', onclick: () => void this.adopt(p.version, plan.version) },
              t('adopt'),
            ),
          ),
        ),
      ),
    );
  }

  /** Adopts a proposal over the version on screen: a stale version or a held stop it moves is refused (409). */
  private async adopt(version: number, baseVersion: number): Promise<void> {
    try {
      await api('planner', `${this.base}/plans/${version}/adopt`, {
        method: 'POST',
        body: { baseVersion },
        query: { day: this.day },
      });
    } catch (error) {
      this.fail(error);
      return;
    }
    await this.loadPlan();
  }

  /** Picks the service day to show; each day has its own current plan. */
  private dayInput(): HTMLElement {
    const input = h('input', { type: 'date', 'data-testid': 'plan-day' });
    input.value = this.day ?? '';
    input.onchange = () => {
      this.day = input.value || undefined;
      void this.loadPlan().catch((e) => this.fail(e));
    };
    return input;
  }

  private async renderDiff(plan: Plan, box: HTMLElement): Promise<void> {
    // Versions count per region. The day's superseded versions, newest first: the previous one is the first below the version shown.
    const versions = await api<Page<PlanHeader>>('planner', `${this.base}/plans`, {
      query: { day: plan.planDate, status: 'superseded' },
    });
    const previous = versions.items.find((v) => v.version < plan.version);
    if (!previous) {
      clear(box, t('noPrevious'));
      return;
    }
    const from = previous.version;
    const cmp = await api<Comparison>('planner', `${this.base}/plans/compare`, {
      query: { from: String(from), to: String(plan.version), day: plan.planDate },
    });
    const figures: Array<[string, MessageKey, (v: unknown) => string]> = [
      ['vehicles', 'vehicles', String],
      ['distanceKm', 'distance', (v) => formatKm(Number(v) * 1000)],
      ['onTimeShare', 'onTimeShare', (v) => formatShare(Number(v))],
      ['unassigned', 'unassignedCount', String],
    ];
    const rows = figures
      .filter(([k]) => cmp.summary[k])
      .map(([k, label, show]) => {
        const { from: a, to: b } = cmp.summary[k];
        const fmt = (v: unknown) => (v === undefined || v === null ? '–' : show(v));
        return h('li', {}, `${t(label)}: ${fmt(a)} → ${fmt(b)}`);
      });
    clear(
      box,
      h('h3', {}, t('diffTitle', { v: from })),
      h('ul', {}, rows),
      h('p', {}, t('movedOrders', { n: cmp.movedOrders.length })),
    );
  }

  private renderRoutes(): void {
    const routes = this.plan?.routes ?? [];
    this.map.showRoutes(
      routes.map((r) => ({
        vehicleId: r.vehicleId,
        label: `${r.vehicleCode} · ${formatKm(r.distanceM)}`,
        committed: r.committed,
        line: r.geometry?.coordinates ?? r.visits.flatMap((v) => v.legGeometry?.coordinates ?? [v.location]),
        stops: r.visits
          .filter((v) => v.orderId)
          .map((v) => ({ at: v.location, label: `${r.vehicleCode} #${v.seq} ${formatTime(v.arrivalAt)}` })),
      })),
    );
    this.map.layers.showFlights(
      (this.plan?.sorties ?? []).map((s) => ({
        id: s.missionId,
        label: `${s.droneSerial} #${s.sortie}`,
        line: s.geometry?.coordinates ?? [],
      })),
    );
    clear(
      this.routesBox,
      h('h2', {}, t('routes')),
      h(
        'ul',
        { class: 'routes' },
        routes.map((r, i) =>
          h(
            'li',
            { 'data-testid': 'route' },
            h('span', { class: 'swatch', style: `background:${routeColour(i)}` }),
            `${r.vehicleCode} (${r.vehicleKind}) · ${r.visits.filter((v) => v.orderId).length} ${t('stops')} · ${formatKm(r.distanceM)}`,
            r.locked ? h('em', {}, ` ${t('locked')}`) : null,
            r.committed ? h('em', {}, ` ${t('committed')}`) : null,
            h(
              'button',
              {
                class: 'small',
                'data-testid': 'lock',
                onclick: () => void this.lock(r.vehicleId, !r.locked),
              },
              r.locked ? t('unlock') : t('lock'),
            ),
          ),
        ),
      ),
    );
  }

  private renderMove(): void {
    const routes = this.plan?.routes ?? [];
    const orderIds = routes.flatMap((r) => r.visits.filter((v) => v.orderId).map((v) => v.orderId!));
    const order = h(
      'select',
      { name: 'orderId', 'data-testid': 'move-order' },
      orderIds.map((id) => h('option', { value: id }, short(id))),
    );
    const vehicle = h(
      'select',
      { name: 'toVehicleId', 'data-testid': 'move-vehicle' },
      this.fleet.map((v) => h('option', { value: v.id }, v.code)),
    );
    const position = h('input', {
      name: 'position',
      type: 'number',
      min: 0,
      value: 0,
      'data-testid': 'move-position',
    });
    const result = h('p', { 'data-testid': 'move-result', role: 'status' });
    const form = h(
      'form',
      {
        onsubmit: (e: Event) => {
          e.preventDefault();
          void this.move(order.value, vehicle.value, Number(position.value), result);
        },
      },
      h('label', {}, t('order'), order),
      h('label', {}, t('toVehicle'), vehicle),
      h('label', {}, t('position'), position),
      h('button', { type: 'submit' }, t('move')),
    );
    clear(this.moveBox, h('h2', {}, t('moveStop')), routes.length ? form : null, result);
  }

  private renderUnassigned(): void {
    const list = this.plan?.unassigned ?? [];
    clear(
      this.unassignedBox,
      h('h2', {}, `${t('unassigned')} (${list.length})`),
      list.length
        ? h(
            'table',
            {},
            h('tr', {}, h('th', {}, t('order')), h('th', {}, t('reason'))),
            list.map((u) =>
              h(
                'tr',
                { 'data-testid': 'unassigned-row' },
                h('td', {}, short(u.orderId)),
                h('td', {}, u.detail ? `${u.reason}: ${u.detail}` : u.reason),
              ),
            ),
          )
        : h('p', {}, t('noneUnassigned')),
    );
  }

  private renderOrders(): void {
    const status = h(
      'select',
      { name: 'status', 'data-testid': 'filter-status' },
      h('option', { value: '' }, t('allStatuses')),
      ORDER_STATUSES.map((s) => h('option', { value: s }, s)),
    );
    const kind = h(
      'select',
      { name: 'kind', 'data-testid': 'filter-kind' },
      h('option', { value: '' }, t('allKinds')),
      ORDER_KINDS.map((k) => h('option', { value: k }, k)),
    );
    const village = h('input', {
      name: 'village',
      placeholder: t('village'),
      'data-testid': 'filter-village',
    });
    const table = h('tbody', {});
    const more = h('button', { class: 'small', hidden: true }, t('more'));
    let cursor: string | null = null;
    const load = async (append: boolean) => {
      const page = await api<{ items: Order[]; nextCursor: string | null }>('intake', '/orders', {
        query: {
          status: status.value,
          kind: kind.value,
          village: village.value.trim(),
          limit: '50',
          cursor: append ? (cursor ?? undefined) : undefined,
        },
      });
      cursor = page.nextCursor;
      more.hidden = !cursor;
      // The same orders on the map, where each stop is, coloured by status.
      this.map.layers.showOrders(
        page.items.map((o) => ({
          id: o.id,
          kind: o.kind,
          status: o.status,
          location: o.kind === 'pickup' ? o.sender.location : o.recipient.location,
          label: `${short(o.id)} · ${o.kind} · ${o.status} · ${o.recipient.name}`,
        })),
        append,
      );
      const rows = page.items.map((o) =>
        h(
          'tr',
          { 'data-testid': 'order-row' },
          h('td', {}, short(o.id)),
          h('td', {}, o.kind),
          h('td', {}, o.status),
          h('td', {}, o.village ?? ''),
          h('td', {}, o.recipient.name),
          h('td', {}, `${formatTime(o.window.start)}–${formatTime(o.window.end)}`),
        ),
      );
      if (append) table.append(...rows);
      else clear(table, rows.length ? rows : h('tr', {}, h('td', { colspan: 6 }, t('noOrders'))));
    };
    more.addEventListener('click', () => void load(true).catch((e) => this.fail(e)));
    const form = h(
      'form',
      {
        class: 'filters',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void load(false).catch((err) => this.fail(err));
        },
      },
      status,
      kind,
      village,
      h('button', { type: 'submit', 'data-testid': 'filter-apply' }, t('filter')),
    );
    clear(
      this.ordersBox,
      h('h2', {}, t('orders')),
      form,
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'ID'),
            h('th', {}, t('kind')),
            h('th', {}, t('status')),
            h('th', {}, t('village')),
            h('th', {}, t('recipient')),
            h('th', {}, t('window')),
          ),
        ),
        table,
      ),
      more,
    );
    void load(false).catch((e) => this.fail(e));
  }

  private async planNow(): Promise<void> {
    const { jobId } = await api<{ jobId: string }>('planner', `${this.base}/plan-now`, {
      method: 'POST',
      body: this.day ? { planDate: this.day } : {},
    });
    clear(this.runBox, t('planning'));
    for (;;) {
      await new Promise((r) => setTimeout(r, RUN_POLL_MS));
      // The newest page holds this run: it started moments ago.
      const runs = await api<Page<Run>>('planner', `${this.base}/planning-runs`);
      const run = runs.items.find((r) => r.jobKey === jobId);
      if (!run) continue;
      const best = run.progress?.bestCost;
      clear(
        this.runBox,
        t('runProgress', { job: jobId.slice(-8), stage: run.stage }),
        best !== undefined ? ` · ${String(best)}` : '',
      );
      if (run.status === 'failed') {
        clear(this.runBox, t('runFailed', { error: run.error ?? '' }));
        return;
      }
      if (run.status === 'succeeded') break;
    }
    await this.loadPlan();
  }

  private async commit(): Promise<void> {
    try {
      // The version on screen: a plan replaced meanwhile is 409, never committed unseen.
      await api('planner', `${this.base}/plans/current/commit`, {
        method: 'POST',
        body: this.plan ? { baseVersion: this.plan.version } : {},
        query: { day: this.day },
      });
    } catch (error) {
      this.fail(error);
    }
    await this.loadPlan();
  }

  private async lock(vehicleId: string, locked: boolean): Promise<void> {
    await api('planner', `${this.base}/plans/current/routes/${vehicleId}/lock`, {
      method: 'POST',
      body: { locked },
      query: { day: this.day },
    });
    await this.loadPlan();
  }

  private async move(
    orderId: string,
    toVehicleId: string,
    position: number,
    result: HTMLElement,
  ): Promise<void> {
    try {
      const moved = await api<{ version: number }>('planner', `${this.base}/plans/current/moves`, {
        method: 'POST',
        query: { day: this.day },
        // The version on screen: if another dispatcher changed the plan meanwhile, the API says 409
        // with the current version instead of silently dropping one of the two edits.
        body: { baseVersion: this.plan?.version, orderId, toVehicleId, position },
      });
      await this.loadPlan();
      // loadPlan redraws the form: show the outcome in the new one.
      const fresh = this.moveBox.querySelector('[data-testid="move-result"]') ?? result;
      fresh.textContent = t('moveOk', { v: moved.version });
      fresh.className = 'ok';
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      result.textContent = t('refused', { message: error.describe() });
      result.className = 'refused';
    }
  }

  private fail(error: unknown): void {
    const message = error instanceof ApiError ? error.describe() : String(error);
    clear(this.runBox, t('error', { message }));
  }
}
