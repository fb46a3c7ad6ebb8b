import { api, apiAll, ApiError } from '../api';
import { clear, h } from '../dom';
import { formatDateTime, formatTime } from '../i18n';
import { formatAge, parcelState, tv } from './village-messages';
import './village-agent.css';

interface PointSummary {
  id: string;
  code: string;
  name: string;
  village: string | null;
}
interface ExpectedParcel {
  trackingNumber: string;
  status: string;
  /** Initials and the phone's last digits: enough to recognise, not to copy. */
  party: { name: string; phone: string };
  weightG: number;
  window: { start: string; end: string };
}
interface Expected {
  point: PointSummary;
  date: string;
  deliveries: ExpectedParcel[];
  pickups: ExpectedParcel[];
  nextCursor: string | null;
}
interface WaitingParcel {
  trackingNumber: string;
  status: 'arrived_at_village_point' | 'collection_expired';
  arrivedAt: string;
  recipient: { name: string; phone: string };
  failedCodeAttempts: number;
  ageS: number;
  collectBy: string;
}

/** Today in UTC, as the API reads a day. */
/** Today on this device's clock (the agent's own day, as the service days are local days). */
const todayLocal = (): string => new Date().toLocaleDateString('en-CA');

/**
 * The agent's work at their village service point: what is expected on a day, scanning parcels in
 * from the courier (a barcode scanner types into the field and presses Enter), handing a parcel to a
 * villager against the code the villager was sent, and what waits uncollected, with how long it has
 * waited, to send back. The code is only ever typed here: no list shows one.
 */
export class VillageAgentPanel {
  readonly el: HTMLElement;
  private readonly title = h('h2', { 'data-testid': 'agent-point' }, tv('agentTitle'));
  private readonly day = h('input', { type: 'date', name: 'day', 'data-testid': 'agent-day' });
  private readonly expected = h('div', { 'data-testid': 'agent-expected' });
  private readonly scanInput = h('input', {
    name: 'trackingNumber',
    autocomplete: 'off',
    placeholder: tv('scanInHint'),
    'data-testid': 'agent-scan-input',
  });
  private readonly scanResult = h('div', { role: 'status', 'data-testid': 'agent-scan-result' });
  private readonly handOverParcel = h('input', {
    name: 'trackingNumber',
    autocomplete: 'off',
    'data-testid': 'agent-handover-parcel',
  });
  // Typed by the agent as the villager reads it out; never filled in or remembered by the browser.
  private readonly handOverCode = h('input', {
    name: 'collectionCode',
    autocomplete: 'off',
    inputmode: 'numeric',
    'data-testid': 'agent-handover-code',
  });
  private readonly handOverResult = h('div', { role: 'status', 'data-testid': 'agent-handover-result' });
  private readonly uncollected = h('section', { class: 'card', 'data-testid': 'agent-uncollected' });
  /** Who takes sent-back parcels to the county hub: when chosen, a send-back hands them over at once. */
  private readonly returnCourier = h(
    'select',
    { name: 'courierId', 'data-testid': 'agent-return-courier' },
    h('option', { value: '' }, tv('keepHere')),
  );

  constructor(private readonly pointId: string) {
    this.day.value = todayLocal();
    this.el = h(
      'div',
      { class: 'village-agent', 'data-testid': 'village-agent' },
      h('section', { class: 'card' }, this.title),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, tv('scanInTitle')),
        h(
          'form',
          { class: 'scan', onsubmit: this.onSubmit(() => this.scanIn()) },
          h('label', { class: 'wide' }, tv('scanInHint'), this.scanInput),
          h('button', { type: 'submit', 'data-testid': 'agent-scan-submit' }, tv('scanIn')),
        ),
        this.scanResult,
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, tv('handOverTitle')),
        h(
          'form',
          { class: 'scan', onsubmit: this.onSubmit(() => this.handOver()) },
          h('label', {}, tv('trackingNumber'), this.handOverParcel),
          h('label', {}, tv('collectionCode'), this.handOverCode),
          h('button', { type: 'submit', 'data-testid': 'agent-handover-submit' }, tv('handOver')),
        ),
        this.handOverResult,
      ),
      this.uncollected,
      h(
        'section',
        { class: 'card' },
        h(
          'form',
          { class: 'scan', onsubmit: this.onSubmit(() => this.loadExpected()) },
          h('h2', {}, tv('expectedTitle')),
          h('label', {}, tv('day'), this.day),
          h('button', { type: 'submit', 'data-testid': 'agent-day-show' }, tv('show')),
        ),
        this.expected,
      ),
    );
  }

  async start(): Promise<void> {
    await Promise.all([this.refresh(), this.loadCouriers()]);
    this.scanInput.focus();
  }

  private onSubmit(action: () => Promise<void>): (e: Event) => void {
    return (e: Event) => {
      e.preventDefault();
      void action();
    };
  }

  private async refresh(): Promise<void> {
    await Promise.all([this.loadExpected(), this.loadUncollected()]);
  }

  private async scanIn(): Promise<void> {
    const trackingNumber = this.scanInput.value.trim();
    if (!trackingNumber) return;
    // Ready for the next label at once: the scanner types into the same field while the lists reload
    this.scanInput.value = '';
    try {
      const res = await api<{ trackingNumber: string; collectBy: string }>(
        'intake',
        `/village-points/${this.pointId}/arrivals`,
        { method: 'POST', body: { trackingNumber } },
      );
      show(
        this.scanResult,
        'ok',
        tv('scannedIn', { tn: res.trackingNumber, by: formatDateTime(res.collectBy) }),
      );
      await this.refresh();
    } catch (error) {
      show(this.scanResult, 'refused', tv('refused', { message: describe(error) }));
    } finally {
      this.scanInput.focus();
    }
  }

  private async handOver(): Promise<void> {
    const trackingNumber = this.handOverParcel.value.trim();
    const code = this.handOverCode.value.trim();
    if (!trackingNumber) return;
    // A code is never left on screen, right or wrong: cleared as it is sent, not after the list reloads,
    // or a code typed for the next parcel meanwhile would be wiped (and sent empty)
    this.handOverCode.value = '';
    try {
      await api('intake', `/village-points/${this.pointId}/collections`, {
        method: 'POST',
        body: { trackingNumber, code },
      });
      show(this.handOverResult, 'ok', tv('handedOver', { tn: trackingNumber }));
      this.handOverParcel.value = '';
      await this.loadUncollected();
    } catch (error) {
      show(this.handOverResult, 'refused', handOverRefusal(error, trackingNumber));
      await this.loadUncollected();
    }
  }

  private async loadCouriers(): Promise<void> {
    const couriers = await apiAll<{ id: string; name: string; active?: boolean }>('intake', '/couriers');
    this.returnCourier.append(
      ...couriers.filter((c) => c.active !== false).map((c) => h('option', { value: c.id }, c.name)),
    );
  }

  /** Sends a waiting parcel back (it expires here); with a courier chosen, hands it to them too. */
  private async sendBack(trackingNumber: string, needsCourier: boolean): Promise<void> {
    const courierId = this.returnCourier.value || undefined;
    if (needsCourier && !courierId) {
      show(this.handOverResult, 'refused', tv('chooseCourier'));
      return;
    }
    try {
      const res = await api<{ trackingNumber: string; status: string }>(
        'intake',
        `/village-points/${this.pointId}/returns`,
        { method: 'POST', body: { trackingNumber, courierId } },
      );
      const courier = this.returnCourier.selectedOptions[0]?.textContent ?? '';
      show(
        this.handOverResult,
        'ok',
        res.status === 'handed_to_courier'
          ? tv('handedToCourier', { tn: res.trackingNumber, courier })
          : tv('sentBack', { tn: res.trackingNumber }),
      );
    } catch (error) {
      show(this.handOverResult, 'refused', tv('refused', { message: describe(error) }));
    }
    await this.loadUncollected();
  }

  private async loadExpected(): Promise<void> {
    const path = `/village-points/${this.pointId}/expected`;
    const query = { date: this.day.value || undefined, limit: '500' };
    const data = await api<Expected>('intake', path, { query });
    // The day comes a page at a time: gather its deliveries and pickups to the last page.
    for (let cursor = data.nextCursor; cursor;) {
      const next: Expected = await api<Expected>('intake', path, { query: { ...query, cursor } });
      data.deliveries.push(...next.deliveries);
      data.pickups.push(...next.pickups);
      cursor = next.nextCursor;
    }
    const where = data.point.village ? `${data.point.name} · ${data.point.village}` : data.point.name;
    this.title.textContent = `${tv('agentTitle')}: ${where} (${data.point.code})`;
    const list = (title: string, parcels: ExpectedParcel[], testId: string) =>
      parcels.length
        ? [
            h('h3', {}, `${title} (${parcels.length})`),
            h(
              'ul',
              { class: 'agent-list' },
              parcels.map((p) =>
                h(
                  'li',
                  { 'data-testid': testId, 'data-tn': p.trackingNumber },
                  h('code', {}, p.trackingNumber),
                  ` · ${p.party.name} ${p.party.phone} · ${parcelState(p.status)} · `,
                  tv('windowOf', { from: formatTime(p.window.start), to: formatTime(p.window.end) }),
                ),
              ),
            ),
          ]
        : [];
    const items = [
      ...list(tv('deliveries'), data.deliveries, 'agent-expected-delivery'),
      ...list(tv('pickups'), data.pickups, 'agent-expected-pickup'),
    ];
    clear(this.expected, items.length ? items : h('p', {}, tv('nothingExpected')));
  }

  private async loadUncollected(): Promise<void> {
    const parcels = await apiAll<WaitingParcel>('intake', `/village-points/${this.pointId}/uncollected`);
    clear(
      this.uncollected,
      h('h2', {}, `${tv('uncollectedTitle')} (${parcels.length})`),
      h('label', { class: 'wide' }, tv('returnCourier'), ' ', this.returnCourier),
      parcels.length
        ? h(
            'ul',
            { class: 'agent-list' },
            parcels.map((p) =>
              h(
                'li',
                {
                  'data-testid': 'agent-uncollected-parcel',
                  'data-tn': p.trackingNumber,
                  class: p.status === 'collection_expired' ? 'expired' : '',
                },
                h('code', {}, p.trackingNumber),
                ` · ${p.recipient.name} ${p.recipient.phone} · `,
                h('span', { 'data-testid': 'agent-waited' }, tv('waited', { age: formatAge(p.ageS) })),
                ' · ',
                p.status === 'collection_expired'
                  ? h('strong', {}, tv('expired'))
                  : tv('collectBy', { at: formatDateTime(p.collectBy) }),
                p.failedCodeAttempts ? ` · ${tv('wrongTries', { n: p.failedCodeAttempts })}` : null,
                ' ',
                // An expired parcel is already sent back: it waits only for the courier to take it.
                p.status === 'arrived_at_village_point'
                  ? h(
                      'button',
                      {
                        class: 'small',
                        type: 'button',
                        'data-testid': 'agent-send-back',
                        onclick: () => void this.sendBack(p.trackingNumber, false),
                      },
                      tv('sendBack'),
                    )
                  : h(
                      'button',
                      {
                        class: 'small',
                        type: 'button',
                        'data-testid': 'agent-hand-to-courier',
                        onclick: () => void this.sendBack(p.trackingNumber, true),
                      },
                      tv('handToCourier'),
                    ),
              ),
            ),
          )
        : h('p', {}, tv('nothingUncollected')),
    );
  }
}

function show(el: HTMLElement, kind: 'ok' | 'refused', text: string): void {
  el.className = kind;
  el.textContent = text;
}

function describe(error: unknown): string {
  return error instanceof ApiError ? error.describe() : String(error);
}

/** A wrong code says how many tries are left; a locked parcel says why (a dispatcher reissues the code). */
function handOverRefusal(error: unknown, trackingNumber: string): string {
  if (error instanceof ApiError) {
    const codeDetail = error.body.details?.find((d) => d.field === 'code');
    const left = /(\d+) attempt/.exec(codeDetail?.reason ?? '');
    if (error.status === 400 && left) return tv('wrongCode', { tn: trackingNumber, n: left[1] });
    if (error.status === 409 && 'attemptsLeft' in error.body)
      return tv('lockedCode', { tn: trackingNumber, reason: error.message });
  }
  return tv('refused', { message: describe(error) });
}
