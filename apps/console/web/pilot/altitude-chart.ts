import { tf, type FieldMessageKey } from '../field-messages';
import { formatKm } from '../i18n';
import type { FlightProfile } from './altitude-profile';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 420;
const HEIGHT = 190;
const PAD = { left: 44, right: 12, top: 14, bottom: 30 };
/** Legal ceiling above ground (EU open category, China light/small UAVs). */
const CEILING_M = 120;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** A "nice" axis step (1, 2, 5 × 10ⁿ) giving about `ticks` intervals. */
function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
}

/**
 * The altitude profile as an SVG chart: height above take-off against distance flown, the phases
 * named (take-off, cruise, descent at the spot, landing), the release point, the legal ceiling, and
 * the ground where it is known (else a note says it is not).
 */
export function altitudeChart(
  profile: FlightProfile,
  ground: Array<{ distanceM: number; groundAboveTakeoffM: number }> | null,
): SVGSVGElement {
  const maxM =
    Math.max(
      CEILING_M,
      profile.maxAltitudeAboveTakeoffM,
      ...(ground ?? []).map((g) => g.groundAboveTakeoffM + CEILING_M),
    ) * 1.1;
  const minM = Math.min(0, ...(ground ?? []).map((g) => g.groundAboveTakeoffM));
  const totalM = Math.max(profile.totalDistanceM, 1);
  const x = (d: number) => PAD.left + (d / totalM) * (WIDTH - PAD.left - PAD.right);
  const y = (m: number) =>
    HEIGHT - PAD.bottom - ((m - minM) / (maxM - minM)) * (HEIGHT - PAD.top - PAD.bottom);
  const chart = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    width: '100%',
    role: 'img',
    class: 'altitude-chart',
    'data-testid': 'altitude-profile',
  });
  chart.append(svg('title', {}, tf('altitudeProfile')));

  // Axes and grid.
  const yStep = niceStep(maxM - minM, 4);
  for (let m = Math.ceil(minM / yStep) * yStep; m <= maxM; m += yStep) {
    chart.append(svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(m), y2: y(m), class: 'grid' }));
    chart.append(
      svg('text', { x: PAD.left - 4, y: y(m) + 4, 'text-anchor': 'end', class: 'tick' }, String(m)),
    );
  }
  const xStep = niceStep(totalM, 4);
  for (let d = 0; d <= totalM + 1e-6; d += xStep) {
    chart.append(
      svg(
        'text',
        { x: x(d), y: HEIGHT - PAD.bottom + 14, 'text-anchor': 'middle', class: 'tick' },
        formatKm(d),
      ),
    );
  }
  chart.append(
    svg('text', { x: 4, y: PAD.top - 3, class: 'axis-label' }, tf('altitudeAxis')),
    svg(
      'text',
      { x: WIDTH - PAD.right, y: HEIGHT - 2, 'text-anchor': 'end', class: 'axis-label' },
      tf('distanceAxis'),
    ),
  );

  if (ground) {
    const line = ground.map((g) => `${x(g.distanceM)},${y(g.groundAboveTakeoffM)}`).join(' ');
    chart.append(
      svg('polygon', {
        points: `${x(0)},${y(minM)} ${line} ${x(totalM)},${y(minM)}`,
        class: 'profile-ground',
      }),
      svg('polyline', {
        points: ground.map((g) => `${x(g.distanceM)},${y(g.groundAboveTakeoffM + CEILING_M)}`).join(' '),
        class: 'profile-ceiling',
      }),
    );
    chart.append(svg('title', {}, tf('groundEstimate')));
  } else {
    chart.append(
      svg('line', {
        x1: PAD.left,
        x2: WIDTH - PAD.right,
        y1: y(0),
        y2: y(0),
        class: 'profile-takeoff-level',
      }),
    );
    chart.append(
      svg('line', {
        x1: PAD.left,
        x2: WIDTH - PAD.right,
        y1: y(CEILING_M),
        y2: y(CEILING_M),
        class: 'profile-ceiling',
      }),
    );
  }
  chart.append(
    svg(
      'text',
      { x: WIDTH - PAD.right - 2, y: y(CEILING_M) - 3, 'text-anchor': 'end', class: 'ceiling-label' },
      tf('ceiling'),
    ),
  );

  chart.append(
    svg('polyline', {
      points: profile.points.map((p) => `${x(p.distanceM)},${y(p.altitudeAboveTakeoffM)}`).join(' '),
      class: 'profile-flight',
    }),
  );
  // Name each phase once, at the first vertex that ends it (take-off, cruise, descent, landing).
  const named = new Set<string>();
  for (const p of profile.points) {
    if (p.phase === 'ground' || p.phase === 'climb' || named.has(p.phase)) continue;
    named.add(p.phase);
    chart.append(
      svg('circle', {
        cx: x(p.distanceM),
        cy: y(p.altitudeAboveTakeoffM),
        r: 3,
        class: `phase phase-${p.phase}`,
      }),
      svg(
        'text',
        {
          // The landing sits at the chart's right edge and on the axis: label it above, to its left.
          x: p.phase === 'landing' ? x(p.distanceM) - 4 : x(p.distanceM) + 4,
          y: y(p.altitudeAboveTakeoffM) + (p.phase === 'cruise' || p.phase === 'landing' ? -6 : 12),
          'text-anchor': p.phase === 'landing' ? 'end' : 'start',
          class: 'phase-label',
          'data-phase': p.phase,
        },
        tf(`phase_${p.phase}` as FieldMessageKey),
      ),
    );
  }
  for (const r of profile.releases) {
    chart.append(
      svg('path', {
        d: `M${x(r.distanceM) - 5},${y(r.altitudeAboveTakeoffM) - 10} h10 l-5,8 z`,
        class: 'profile-release',
      }),
      svg(
        'text',
        { x: x(r.distanceM) + 6, y: y(r.altitudeAboveTakeoffM) - 4, class: 'phase-label' },
        tf('release'),
      ),
    );
  }
  return chart;
}
