import { CourierEntity, DroneEntity, PilotEntity, VehicleEntity } from './fleet.entity';
import { HubEntity } from './hub.entity';
import { OrderEntity } from './order.entity';
import { ParcelEventEntity } from './parcel-event.entity';
import { ParcelEntity } from './parcel.entity';

export * from './fleet.entity';
export * from './geo';
export * from './hub.entity';
export * from './order.entity';
export * from './parcel-event.entity';
export * from './parcel.entity';

export const ENTITIES = [
  HubEntity,
  OrderEntity,
  ParcelEntity,
  ParcelEventEntity,
  VehicleEntity,
  DroneEntity,
  PilotEntity,
  CourierEntity,
];
