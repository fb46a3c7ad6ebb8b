import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Relation,
  UpdateDateColumn,
} from 'typeorm';
import type { ParcelState } from '../parcel/parcel-state';
import { OrderEntity } from './order.entity';

@Entity('parcels')
export class ParcelEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid', name: 'order_id' }) orderId!: string;
  @ManyToOne(() => OrderEntity, (order) => order.parcels)
  @JoinColumn({ name: 'order_id' })
  order?: Relation<OrderEntity>;
  @Column({ type: 'text', name: 'tracking_number', unique: true }) trackingNumber!: string;
  @Column({ type: 'integer', name: 'weight_g' }) weightG!: number;
  @Column({ type: 'integer', name: 'length_mm' }) lengthMm!: number;
  @Column({ type: 'integer', name: 'width_mm' }) widthMm!: number;
  @Column({ type: 'integer', name: 'height_mm' }) heightMm!: number;
  @Column({ type: 'boolean', default: false }) fragile!: boolean;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ type: 'text', default: 'created' }) status!: ParcelState;
  @Column({ type: 'integer', default: 0 }) version!: number;
  @Column({ type: 'uuid', name: 'current_hub_id', nullable: true }) currentHubId!: string | null;
  @Column({ type: 'uuid', name: 'courier_id', nullable: true }) courierId!: string | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}
