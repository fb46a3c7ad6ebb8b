import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { GeoPoint, numericTransformer, pointColumn } from './geo';

export const VEHICLE_KINDS = ['van', 'motorbike', 'tricycle'] as const;
export type VehicleKind = (typeof VEHICLE_KINDS)[number];
export const LICENCE_CLASSES = ['VLOS', 'BVLOS'] as const;
export type LicenceClass = (typeof LICENCE_CLASSES)[number];

@Entity('vehicles')
export class VehicleEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text', unique: true }) code!: string;
  @Column({ type: 'text' }) kind!: VehicleKind;
  @Column({ type: 'integer', name: 'capacity_weight_g' }) capacityWeightG!: number;
  @Column({ type: 'numeric', name: 'capacity_volume_l', transformer: numericTransformer })
  capacityVolumeL!: number;
  @Column({ type: 'uuid', name: 'home_hub_id' }) homeHubId!: string;
  /** Local "HH:MM:SS". */
  @Column({ type: 'time', name: 'shift_start' }) shiftStart!: string;
  @Column({ type: 'time', name: 'shift_end' }) shiftEnd!: string;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) skills!: string[];
  @Column({ type: 'boolean', default: true }) active!: boolean;
  /** Size and weight (null: not given; the road profile's figures apply). */
  @Column({ type: 'numeric', name: 'height_m', nullable: true, transformer: numericTransformer })
  heightM!: number | null;
  @Column({ type: 'numeric', name: 'width_m', nullable: true, transformer: numericTransformer })
  widthM!: number | null;
  @Column({ type: 'numeric', name: 'length_m', nullable: true, transformer: numericTransformer })
  lengthM!: number | null;
  @Column({ type: 'integer', name: 'gross_weight_g', nullable: true }) grossWeightG!: number | null;
  @Column({ type: 'integer', name: 'axle_load_g', nullable: true }) axleLoadG!: number | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

@Entity('drones')
export class DroneEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text', name: 'serial_number', unique: true }) serialNumber!: string;
  @Column({ type: 'text' }) model!: string;
  @Column({ type: 'integer', name: 'max_payload_g' }) maxPayloadG!: number;
  @Column({ type: 'numeric', name: 'battery_wh', transformer: numericTransformer }) batteryWh!: number;
  @Column({ type: 'numeric', name: 'cruise_speed_mps', transformer: numericTransformer })
  cruiseSpeedMps!: number;
  @Column({ type: 'uuid', name: 'home_port_id' }) homePortId!: string;
  /** Energy-model parameters: `{ preset }` naming a known model, with optional overrides. */
  @Column({ type: 'jsonb', name: 'model_params', nullable: true }) modelParams!: Record<
    string,
    unknown
  > | null;
  /** Operating hours, UTC "HH:MM:SS". */
  @Column({ type: 'time', name: 'shift_start', default: '07:00' }) shiftStart!: string;
  @Column({ type: 'time', name: 'shift_end', default: '19:00' }) shiftEnd!: string;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

@Entity('pilots')
export class PilotEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', nullable: true }) phone!: string | null;
  @Column({ type: 'text', name: 'licence_number', unique: true }) licenceNumber!: string;
  @Column({ type: 'text', name: 'licence_class' }) licenceClass!: LicenceClass;
  /** "YYYY-MM-DD". */
  @Column({ type: 'date', name: 'licence_expires_on' }) licenceExpiresOn!: string;
  @Column({ type: 'integer', name: 'max_drones_supervised' }) maxDronesSupervised!: number;
  /** Where the pilot stands: VLOS sorties stay within range of it. */
  @Column({ ...pointColumn, nullable: true }) station!: GeoPoint | null;
  @Column({ type: 'time', name: 'shift_start', default: '07:00' }) shiftStart!: string;
  @Column({ type: 'time', name: 'shift_end', default: '19:00' }) shiftEnd!: string;
  @Column({ type: 'text', default: 'default' }) region!: string;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

@Entity('couriers')
export class CourierEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) phone!: string;
  @Column({ type: 'uuid', name: 'home_hub_id' }) homeHubId!: string;
  @Column({ type: 'uuid', name: 'vehicle_id', nullable: true }) vehicleId!: string | null;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}
