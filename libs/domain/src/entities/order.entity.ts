import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  Relation,
  UpdateDateColumn,
} from 'typeorm';
import { GeoPoint, pointColumn } from './geo';
import { ParcelEntity } from './parcel.entity';

export const ORDER_KINDS = ['delivery', 'pickup'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];
export const ORDER_STATUSES = ['accepted', 'planned', 'in_progress', 'completed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** Where the last metre ends (a delivery) or starts (a pickup): the door, or a village service point. */
export const LAST_MILES = ['door', 'village_point'] as const;
export type LastMile = (typeof LAST_MILES)[number];
export const PRIORITIES = ['standard', 'express', 'medical'] as const;
export type Priority = (typeof PRIORITIES)[number];

@Entity('orders')
export class OrderEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text' }) kind!: OrderKind;
  @Column({ type: 'text', default: 'accepted' }) status!: OrderStatus;
  @Column({ type: 'uuid', name: 'hub_id' }) hubId!: string;
  @Column({ type: 'text', nullable: true }) village!: string | null;
  @Column({ type: 'text', name: 'sender_name' }) senderName!: string;
  @Column({ type: 'text', name: 'sender_phone' }) senderPhone!: string;
  @Column({ ...pointColumn, name: 'sender_location' }) senderLocation!: GeoPoint;
  @Column({ type: 'text', name: 'sender_landmark', nullable: true }) senderLandmark!: string | null;
  @Column({ type: 'text', name: 'recipient_name' }) recipientName!: string;
  @Column({ type: 'text', name: 'recipient_phone' }) recipientPhone!: string;
  @Column({ ...pointColumn, name: 'recipient_location' }) recipientLocation!: GeoPoint;
  @Column({ type: 'text', name: 'recipient_landmark', nullable: true }) recipientLandmark!: string | null;
  @Column({ type: 'timestamptz', name: 'window_start' }) windowStart!: Date;
  @Column({ type: 'timestamptz', name: 'window_end' }) windowEnd!: Date;
  @Column({ type: 'text', default: 'standard' }) priority!: Priority;
  @Column({ type: 'boolean', name: 'cold_chain', default: false }) coldChain!: boolean;
  @Column({ type: 'text', name: 'last_mile', default: 'door' }) lastMile!: LastMile;
  @Column({ type: 'uuid', name: 'village_point_id', nullable: true }) villagePointId!: string | null;
  @Column({ type: 'text', name: 'idempotency_key', nullable: true }) idempotencyKey!: string | null;
  @Column({ type: 'text', name: 'request_hash', nullable: true }) requestHash!: string | null;
  @Column({ type: 'text', default: 'api' }) source!: string;
  @Column({ type: 'text', name: 'created_by', nullable: true }) createdBy!: string | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
  @OneToMany(() => ParcelEntity, (parcel) => parcel.order) parcels?: Relation<ParcelEntity[]>;
}
