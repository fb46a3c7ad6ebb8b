import { api, ApiError } from './api';
import { h } from './dom';
import { t, type MessageKey } from './i18n';
import { sessionFromToken, type Role, type Session } from './session';

const ROLES: Role[] = ['dispatcher', 'hub_operator', 'courier', 'pilot', 'admin'];

/**
 * Sign-in: in development, a button per role (the console issues a role token); always, a field for
 * a JWT from the issuer, which is what production uses.
 */
export function loginView(devLogin: boolean, onSession: (s: Session) => void): HTMLElement {
  const message = h('p', { class: 'refused', role: 'alert', 'data-testid': 'login-error' });
  const staffId = h('input', { name: 'staffId', placeholder: t('staffId'), 'data-testid': 'login-staff' });
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
                      body: { role, staffId: staffId.value.trim() || undefined },
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
