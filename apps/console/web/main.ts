import 'leaflet/dist/leaflet.css';
import './styles.css';
import { api, apiAll, ApiError, setToken } from './api';
import { CourierView } from './courier-view';
import { DispatcherView } from './dispatcher-view';
import { clear, h } from './dom';
import { HubView } from './hub-view';
import { locale, setLocale, t, type MessageKey } from './i18n';
import { LiveLayer } from './live/live-layer';
import { loginView } from './login-view';
import { MapView, type ClientConfig } from './map-view';
import { PilotView } from './pilot/pilot-view';
import { regionFromAddress } from './region-choice';
import { loadSession, saveSession, viewsFor, type Session, type ViewName } from './session';

const root = document.getElementById('app')!;
/** The live stream of the view on screen (closed when the view is redrawn). */
let live: LiveLayer | null = null;

function showError(error: unknown): void {
  const message = error instanceof ApiError ? error.describe() : String(error);
  const bar = document.querySelector('[data-testid="error"]') ?? root;
  bar.textContent = t('error', { message });
}

/** The view in the address (#/hub), if this role may open it; otherwise the role's first view. */
function viewFromHash(session: Session): { view: ViewName; allowed: boolean } {
  const asked = location.hash.replace(/^#\/?/, '') as ViewName;
  const views = viewsFor(session.role);
  if (!asked) return { view: views[0], allowed: true };
  return { view: asked, allowed: views.includes(asked) };
}

function languageSwitch(): HTMLElement {
  const select = h(
    'select',
    { 'aria-label': t('language'), 'data-testid': 'language' },
    h('option', { value: 'zh-CN' }, '中文'),
    h('option', { value: 'en' }, 'English'),
  );
  select.value = locale();
  select.addEventListener('change', () => {
    setLocale(select.value as 'zh-CN' | 'en');
    void render();
  });
  return select;
}

async function render(): Promise<void> {
  document.documentElement.lang = locale();
  document.title = t('appTitle');
  const served = await api<ClientConfig>('console', '/console/config');
  const config: ClientConfig = { ...served, region: regionFromAddress(served.region, location.search) };
  const session = loadSession();
  if (!session) {
    live?.stop();
    live = null;
    setToken(null);
    clear(
      root,
      h('header', {}, h('strong', {}, t('appTitle')), languageSwitch()),
      loginView(
        config.devLogin,
        (s) => {
          saveSession(s);
          location.hash = '';
          void render();
        },
        config.region,
      ),
    );
    return;
  }
  setToken(session.token);
  const { view, allowed } = viewFromHash(session);
  // Only the views this role may open are offered; the APIs refuse the rest anyway.
  const nav = h(
    'nav',
    {},
    viewsFor(session.role).map((v) =>
      h(
        'a',
        { href: `#/${v}`, class: v === view ? 'active' : '', 'data-testid': `nav-${v}` },
        t(`view_${v}` as MessageKey),
      ),
    ),
  );
  const signOut = h(
    'button',
    {
      class: 'small',
      'data-testid': 'sign-out',
      onclick: () => {
        saveSession(null);
        location.hash = '';
        void render();
      },
    },
    t('signOut'),
  );
  const header = h(
    'header',
    {},
    h('strong', {}, t('appTitle')),
    nav,
    h('span', { class: 'who', 'data-testid': 'role' }, t(`role_${session.role}` as MessageKey)),
    languageSwitch(),
    signOut,
  );
  const errorBar = h('div', { class: 'error', 'data-testid': 'error', role: 'alert' });
  if (!allowed) {
    clear(
      root,
      header,
      errorBar,
      h('p', { class: 'refused', 'data-testid': 'not-allowed' }, t('notAllowed')),
    );
    return;
  }
  const mapBox = h('div', { class: 'map', 'data-testid': 'map' });
  const side = h('aside', { class: 'side' });
  clear(root, header, errorBar, h('main', { class: view === 'hub' ? 'hub' : '' }, side, mapBox));
  const map = new MapView(mapBox, config);
  const roads = map.start().catch(showError);
  live?.stop();
  live = null;
  // Live positions and alerts for the roles the gateway streams to.
  if (view === 'dispatcher' || view === 'map') {
    live = new LiveLayer(map.map, config.tiles?.datum ?? 'wgs84');
    live.start(session.token, config.region);
  }
  if (view === 'dispatcher') {
    const dispatcher = new DispatcherView(config, map);
    side.append(dispatcher.el);
    await dispatcher.start();
  } else if (view === 'hub') {
    const hub = new HubView(config.region, map, session.hubId);
    side.append(hub.el);
    await hub.start();
  } else if (view === 'courier') {
    const courier = new CourierView(map);
    side.append(courier.el);
    await courier.start();
  } else if (view === 'pilot') {
    const pilot = new PilotView(map);
    side.append(pilot.el);
    await pilot.start();
  }
  await roads;
  await map.layers.loadAirspace(config.region, session.role, Date.now()).catch(showError);
  if (view !== 'hub') {
    const hubs = await apiAll<{ name: string; kind: string; location: [number, number] }>('intake', '/hubs', {
      region: config.region,
    }).catch(() => []);
    map.showHubs(hubs);
  }
  root.setAttribute('data-ready', view);
}

window.addEventListener('hashchange', () => void render().catch(showError));
window.addEventListener('unhandledrejection', (e) => showError(e.reason));
void render().catch(showError);
