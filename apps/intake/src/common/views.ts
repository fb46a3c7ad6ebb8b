import type {
  DeliveryProof,
  OrderKind,
  OrderStatus,
  ParcelEventType,
  ParcelState,
  Priority,
} from '@rd/domain';

/** What the API returns; built from rows in the repositories, never entities leaked as they are. */
export interface PartyView {
  name: string;
  phone: string;
  location: [number, number];
  landmark: string | null;
}

export interface ParcelView {
  id: string;
  orderId: string;
  trackingNumber: string;
  weightG: number;
  lengthMm: number;
  widthMm: number;
  heightMm: number;
  fragile: boolean;
  description: string | null;
  status: ParcelState;
  version: number;
  currentHubId: string | null;
  courierId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface OrderView {
  id: string;
  kind: OrderKind;
  status: OrderStatus;
  hubId: string;
  village: string | null;
  sender: PartyView;
  recipient: PartyView;
  window: { start: string; end: string };
  priority: Priority;
  coldChain: boolean;
  droneOptOut: boolean;
  lastMile: 'door' | 'village_point';
  villagePointId: string | null;
  source: string;
  createdAt: string;
  parcels: ParcelView[];
}

export interface ParcelEventView {
  seq: number;
  type: ParcelEventType;
  fromStatus: ParcelState;
  actor: { sub: string; role: string };
  hubId: string | null;
  location: [number, number] | null;
  occurredAt: string;
  recordedAt: string;
  /** A PIN proof is kept as `{kind: 'pin', verified: true}`: the PIN itself is never stored. */
  proof: DeliveryProof | { kind: 'pin'; verified: true } | null;
  reason: string | null;
  note: string | null;
}

export type { Page } from '@rd/database';
