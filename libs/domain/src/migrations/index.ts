import { Initial1732233600000 } from './1732233600000-initial';
import { Planning1732320000000 } from './1732320000000-planning';
import { DeviceOutbox1732406400000 } from './1732406400000-device-outbox';
import { Flight1732500000000 } from './1732500000000-flight';
import { DeviceTelemetry1732600000000 } from './1732600000000-device-telemetry';
import { ForeignKeyIndexes1732700000000 } from './1732700000000-foreign-key-indexes';
import { OrderCommitments1732710000000 } from './1732710000000-order-commitments';
import { VehicleDimensions1732800000000 } from './1732800000000-vehicle-dimensions';
import { FlightForeignKeyIndexes1732900000000 } from './1732900000000-flight-foreign-key-indexes';
import { AirspaceRevisions1733000000000 } from './1733000000000-airspace-revisions';
import { TelemetryWithoutSpatialIndex1733000000001 } from './1733000000001-telemetry-without-spatial-index';
import { ServiceDays1733100000000 } from './1733100000000-service-days';
import { DeliveryPins1733100000001 } from './1733100000001-delivery-pins';
import { MapData1733200000000 } from './1733200000000-map-data';
import { VillagePoints1733500000000 } from './1733500000000-village-points';
import { PlanAdoption1733600000100 } from './1733600000100-plan-adoption';
import { ServiceTimeZone1733600000900 } from './1733600000900-service-time-zone';

/** Every migration in order; the data source and the test template database run these. */
export const MIGRATIONS = [
  Initial1732233600000,
  Planning1732320000000,
  DeviceOutbox1732406400000,
  Flight1732500000000,
  DeviceTelemetry1732600000000,
  ForeignKeyIndexes1732700000000,
  OrderCommitments1732710000000,
  VehicleDimensions1732800000000,
  FlightForeignKeyIndexes1732900000000,
  AirspaceRevisions1733000000000,
  TelemetryWithoutSpatialIndex1733000000001,
  ServiceDays1733100000000,
  DeliveryPins1733100000001,
  MapData1733200000000,
  VillagePoints1733500000000,
  PlanAdoption1733600000100,
  ServiceTimeZone1733600000900,
];
