import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { GeoPoint, pointColumn } from './geo';

export const HUB_KINDS = ['county_hub', 'township_station', 'village_service_point', 'drone_port'] as const;
export type HubKind = (typeof HUB_KINDS)[number];

/** Opening hours per weekday (mon…sun), each a list of [open, close] in local "HH:MM". */
export type OpeningHours = Partial<
  Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>
>;

@Entity('hubs')
export class HubEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text', unique: true }) code!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) kind!: HubKind;
  @Column(pointColumn) location!: GeoPoint;
  @Column({ type: 'jsonb', name: 'opening_hours', default: () => "'{}'::jsonb" }) openingHours!: OpeningHours;
  @Column({ type: 'text', nullable: true }) village!: string | null;
  @Column({ type: 'text', default: 'default' }) region!: string;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}
