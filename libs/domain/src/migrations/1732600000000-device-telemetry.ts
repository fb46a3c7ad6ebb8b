import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What devices report, stored by the gateway.
 * - `devices`: identities the system issues (hashed secret in Mosquitto's PBKDF2 format, so the broker's
 *   password file is generated from here). `epoch` grows at every re-provisioning: sequence numbers
 *   restart at 1 and storage is idempotent on (device, epoch, seq).
 * - `telemetry_positions`: every fix, partitioned by day of device time so old days drop as whole
 *   tables (`npm run telemetry:retention`); partitions are created ahead by the gateway.
 * - `device_state`: one row per device, the newest fix by device time (never moved backwards).
 * - `device_events`: parcel events, mission progress, acks and battery reports, with their outcome.
 * - `dead_letters`: every refused message with its reason; `alerts`: what the gateway raised.
 */
export class DeviceTelemetry1732600000000 implements MigrationInterface {
  name = 'DeviceTelemetry1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE devices (
      device_id text PRIMARY KEY CHECK (device_id ~ '^[A-Za-z0-9_.-]{1,64}$'),
      kind text NOT NULL CHECK (kind IN ('drone','courier')),
      secret_hash text NOT NULL,
      epoch integer NOT NULL DEFAULT 1,
      courier_id uuid REFERENCES couriers(id),
      drone_id uuid REFERENCES drones(id),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      provisioned_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(
      `CREATE UNIQUE INDEX devices_courier ON devices (courier_id) WHERE courier_id IS NOT NULL AND active`,
    );
    await q.query(
      `CREATE UNIQUE INDEX devices_drone ON devices (drone_id) WHERE drone_id IS NOT NULL AND active`,
    );

    await q.query(`CREATE TABLE device_state (
      device_id text PRIMARY KEY REFERENCES devices(device_id) ON DELETE CASCADE,
      epoch integer NOT NULL,
      last_seq bigint NOT NULL DEFAULT 0,
      last_heard_at timestamptz NOT NULL,
      position geometry(Point, 4326),
      position_at timestamptz,
      altitude_amsl_m real,
      height_above_takeoff_m real,
      speed_mps real,
      heading_deg real,
      battery_level real,
      flight_mode text,
      remaining_flight_s real,
      return_home_level real,
      mission_id text,
      mission_stage text,
      mission_stage_at timestamptz
    )`);
    await q.query(`CREATE INDEX device_state_position_gist ON device_state USING gist (position)`);

    await q.query(`CREATE TABLE telemetry_positions (
      device_id text NOT NULL,
      epoch integer NOT NULL,
      seq bigint NOT NULL,
      part smallint NOT NULL DEFAULT 0,
      recorded_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      location geometry(Point, 4326) NOT NULL,
      altitude_amsl_m real,
      height_above_takeoff_m real,
      speed_mps real,
      heading_deg real,
      accuracy_m real,
      battery_level real,
      flight_mode text,
      remaining_flight_s real,
      wind_speed_mps real,
      wind_from_deg real,
      PRIMARY KEY (device_id, epoch, seq, part, recorded_at)
    ) PARTITION BY RANGE (recorded_at)`);
    await q.query(`CREATE INDEX telemetry_positions_track ON telemetry_positions (device_id, recorded_at)`);
    await q.query(`CREATE INDEX telemetry_positions_gist ON telemetry_positions USING gist (location)`);

    await q.query(`CREATE TABLE device_events (
      device_id text NOT NULL,
      epoch integer NOT NULL,
      seq bigint NOT NULL,
      type text NOT NULL CHECK (type IN ('parcel_event','mission_progress','ack','battery')),
      recorded_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      body jsonb NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('applied','rejected','stored')),
      reason text,
      PRIMARY KEY (device_id, epoch, seq)
    )`);
    await q.query(`CREATE INDEX device_events_recorded ON device_events (device_id, recorded_at)`);

    await q.query(`CREATE TABLE dead_letters (
      id bigserial PRIMARY KEY,
      received_at timestamptz NOT NULL DEFAULT now(),
      topic text NOT NULL,
      device_id text,
      reason text NOT NULL,
      detail text,
      payload bytea,
      payload_bytes integer NOT NULL
    )`);
    await q.query(`CREATE INDEX dead_letters_received ON dead_letters (received_at)`);
    await q.query(`CREATE INDEX dead_letters_device ON dead_letters (device_id, received_at)`);

    await q.query(`CREATE TABLE alerts (
      id bigserial PRIMARY KEY,
      kind text NOT NULL,
      device_id text,
      severity text NOT NULL CHECK (severity IN ('info','warning','critical')),
      message text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}',
      raised_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz,
      replan_job_id text
    )`);
    // One open alert of a kind per device: a condition that persists does not raise a new alert every tick.
    await q.query(
      `CREATE UNIQUE INDEX alerts_open_once ON alerts (kind, coalesce(device_id, '')) WHERE resolved_at IS NULL`,
    );
    await q.query(`CREATE INDEX alerts_raised ON alerts (raised_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alerts`);
    await q.query(`DROP TABLE dead_letters`);
    await q.query(`DROP TABLE device_events`);
    await q.query(`DROP TABLE telemetry_positions`);
    await q.query(`DROP TABLE device_state`);
    await q.query(`DROP TABLE devices`);
  }
}
