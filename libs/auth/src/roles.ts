export const ROLES = ['dispatcher', 'hub_operator', 'pilot', 'courier', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, from a verified bearer token. */
export interface Principal {
  sub: string;
  role: Role;
  /** Set for couriers and pilots: the staff record they act as (object-level authorisation). */
  staffId?: string;
  /** Set for a hub operator who runs one hub or village service point: the only one they act for. */
  hubId?: string;
}
