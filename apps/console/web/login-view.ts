import { api, ApiError } from './api';
import { h } from './dom';
import { tv } from './hub/village-messages';
import { t, type MessageKey } from './i18n';
import { sessionFromToken, type Role, type Session } from './session';

const ROLES: Role[] = ['dispatcher', 'hub_operator', 'courier', 'pilot', 'admin'];

/**
 * Sign-in: in development, a button per role (the console issues a role token); always, a field for
 * a JWT from the issuer, which is what production uses.
 */
export function loginView(devLogin: boolean, onSession: (s: Session) => void, region?: string): HTMLElement {
  const message = h('p', { class: 'refused', role: 'alert', 'data-testid': 'login-error' });
  const staffId = h('input', { name: 'staffId', placeholder: t('staffId'), 'data-testid': 'login-staff' });
  const point = h(
    'select',
    { name: 'hubId', 'aria-label': tv('agentLogin'), 'data-testid': 'login-point' },
    h('option', { value: '' }, tv('agentLoginNone')),
  );
  if (devLogin) void listVillagePoints(region).then((points) => point.append(...points));
  const devBox = devLogin
    ? h(
        'section',
        { class: 'card' },
        h('h2', {}, t('devLogin')),
        h(
          'div',
          { class: 'actions' },
          ROLES.map((role) =>
            h(
              'button',
              {
                'data-testid': `login-${role}`,
                onclick: async () => {
                  try {
                    const issued = await api<{ token: string }>('console', '/dev-login', {
                      method: 'POST',
                      body: {
                        role,
                        staffId: staffId.value.trim() || undefined,
                        // A hub operator may be a village point's agent, confined to that point.
                        hubId: role === 'hub_operator' ? point.value || undefined : undefined,
                      },
                    });
                    const session = sessionFromToken(issued.token);
                    if (session) onSession(session);
                  } catch (error) {
                    message.textContent = error instanceof ApiError ? error.describe() : String(error);
                  }
                },
              },
              t(`role_${role}` as MessageKey),
            ),
          ),
        ),
        staffId,
        h('label', { class: 'wide' }, tv('agentLogin'), point),
      )
    : null;
  const token = h('textarea', { name: 'token', rows: 3, 'data-testid': 'login-token' });
  const tokenBox = h(
    'section',
    { class: 'card' },
    h('h2', {}, t('pasteToken')),
    token,
    h(
      'button',
      {
        onclick: () => {
          const session = sessionFromToken(token.value);
          if (session) onSession(session);
          else message.textContent = t('badToken');
        },
      },
      t('useToken'),
    ),
  );
  return h(
    'div',
    { class: 'login', 'data-testid': 'login' },
    h('h1', {}, t('appTitle')),
    devBox,
    tokenBox,
    message,
  );
}

/**
 * The village service points of the region, for the development log-in's choice of point. Listing
 * hubs needs a staff token: a short-lived development one, sent only with this request.
 */
async function listVillagePoints(region: string | undefined): Promise<HTMLOptionElement[]> {
  try {
    const issued = await api<{ token: string }>('console', '/dev-login', {
      method: 'POST',
      body: { role: 'hub_operator' },
    });
    type Point = { id: string; code: string; name: string };
    const points: Point[] = [];
    // GET /hubs is paged: follow nextCursor to the region's last point.
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ kind: 'village_service_point', limit: '500' });
      if (region) query.set('region', region);
      if (cursor) query.set('cursor', cursor);
      const res = await fetch(`/api/intake/hubs?${query}`, {
        headers: { accept: 'application/json', authorization: `Bearer ${issued.token}` },
      });
      if (!res.ok) return [];
      const page = (await res.json()) as { items: Point[]; nextCursor: string | null };
      points.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return points.map((hub) => h('option', { value: hub.id }, `${hub.name} (${hub.code})`));
  } catch {
    // Without the list the log-in still works, as a hub operator of the whole region.
    return [];
  }
}
