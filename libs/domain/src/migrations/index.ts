import { Initial1732233600000 } from './1732233600000-initial';
import { Planning1732320000000 } from './1732320000000-planning';
import { DeviceOutbox1732406400000 } from './1732406400000-device-outbox';
import { ForeignKeyIndexes1732700000000 } from './1732700000000-foreign-key-indexes';
import { OrderCommitments1732710000000 } from './1732710000000-order-commitments';

/** Every migration in order; the data source and the test template database run these. */
export const MIGRATIONS = [
  Initial1732233600000,
  Planning1732320000000,
  DeviceOutbox1732406400000,
  ForeignKeyIndexes1732700000000,
  OrderCommitments1732710000000,
];
