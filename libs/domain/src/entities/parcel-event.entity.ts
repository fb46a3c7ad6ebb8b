import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ParcelEventType, ParcelState } from '../parcel/parcel-state';
import { GeoPoint, pointColumn } from './geo';

export type DeliveryProof =
  | { kind: 'pin'; value: string }
  | { kind: 'signature'; reference: string }
  | { kind: 'photo'; reference: string };

/** One scan or hand-over; rows are never updated or deleted (a trigger enforces it). */
@Entity('parcel_events')
export class ParcelEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'uuid', name: 'parcel_id' }) parcelId!: string;
  @Column({ type: 'integer' }) seq!: number;
  @Column({ type: 'text' }) type!: ParcelEventType;
  @Column({ type: 'text', name: 'from_status' }) fromStatus!: ParcelState;
  @Column({ type: 'text', name: 'actor_sub' }) actorSub!: string;
  @Column({ type: 'text', name: 'actor_role' }) actorRole!: string;
  @Column({ type: 'uuid', name: 'hub_id', nullable: true }) hubId!: string | null;
  @Column({ ...pointColumn, nullable: true }) location!: GeoPoint | null;
  @Column({ type: 'timestamptz', name: 'occurred_at' }) occurredAt!: Date;
  @Column({ type: 'timestamptz', name: 'recorded_at', default: () => 'now()' }) recordedAt!: Date;
  @Column({ type: 'jsonb', nullable: true }) proof!: DeliveryProof | null;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ type: 'text', nullable: true }) note!: string | null;
}
