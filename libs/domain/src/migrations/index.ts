import { Initial1732233600000 } from './1732233600000-initial';
import { Planning1732320000000 } from './1732320000000-planning';
import { DeviceOutbox1732406400000 } from './1732406400000-device-outbox';
import { Flight1732500000000 } from './1732500000000-flight';
import { FlightForeignKeyIndexes1732900000000 } from './1732900000000-flight-foreign-key-indexes';
import { DeviceTelemetry1732600000000 } from './1732600000000-device-telemetry';
import { ForeignKeyIndexes1732700000000 } from './1732700000000-foreign-key-indexes';
import { OrderCommitments1732710000000 } from './1732710000000-order-commitments';
import { VehicleDimensions1732800000000 } from './1732800000000-vehicle-dimensions';
import { MapData1733200000000 } from './1733200000000-map-data';

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
  MapData1733200000000,
];
