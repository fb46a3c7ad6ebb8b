/** The signed-in role, read from the token's claims (the APIs verify it; the console only decides what to show). */
export type Role = 'dispatcher' | 'hub_operator' | 'pilot' | 'courier' | 'admin';
export type ViewName = 'dispatcher' | 'hub' | 'courier' | 'pilot' | 'map';

export interface Session {
  token: string;
  role: Role;
  staffId?: string;
  /** The hub a hub operator is confined to (a village service point's agent). */
  hubId?: string;
  sub: string;
}

const KEY = 'rd.session';
const ROLES: readonly Role[] = ['dispatcher', 'hub_operator', 'pilot', 'courier', 'admin'];

/** Which views each role may open: the same split as the API's roles. */
const VIEWS_BY_ROLE: Record<Role, readonly ViewName[]> = {
  dispatcher: ['dispatcher', 'hub'],
  hub_operator: ['hub'],
  courier: ['courier'],
  pilot: ['pilot'],
  admin: ['dispatcher', 'hub'],
};

export function viewsFor(role: Role): readonly ViewName[] {
  return VIEWS_BY_ROLE[role];
}

export function sessionFromToken(token: string): Session | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as {
      role?: string;
      staffId?: string;
      hubId?: string;
      sub?: string;
      exp?: number;
    };
    if (!claims.role || !ROLES.includes(claims.role as Role)) return null;
    if (claims.exp && claims.exp * 1000 < Date.now()) return null;
    return {
      token: token.trim(),
      role: claims.role as Role,
      staffId: claims.staffId,
      hubId: claims.hubId,
      sub: claims.sub ?? '',
    };
  } catch {
    return null;
  }
}

export function loadSession(): Session | null {
  const token = sessionStorage.getItem(KEY);
  return token ? sessionFromToken(token) : null;
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, session.token);
  else sessionStorage.removeItem(KEY);
}
