import { MigrationInterface, QueryRunner } from 'typeorm';

/** PostGIS, then the intake schema: hubs, orders with parcels and their append-only events, fleet and staff. */
export class Initial1732233600000 implements MigrationInterface {
  name = 'Initial1732233600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS postgis`);

    await q.query(`CREATE TABLE hubs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('county_hub','township_station','village_service_point','drone_port')),
      location geometry(Point,4326) NOT NULL,
      opening_hours jsonb NOT NULL DEFAULT '{}'::jsonb,
      village text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX hubs_location_gist ON hubs USING gist (location)`);

    await q.query(`CREATE TABLE orders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('delivery','pickup')),
      status text NOT NULL DEFAULT 'accepted' CHECK (status IN ('accepted','planned','in_progress','completed','cancelled')),
      hub_id uuid NOT NULL REFERENCES hubs(id),
      village text,
      sender_name text NOT NULL,
      sender_phone text NOT NULL,
      sender_location geometry(Point,4326) NOT NULL,
      sender_landmark text,
      recipient_name text NOT NULL,
      recipient_phone text NOT NULL,
      recipient_location geometry(Point,4326) NOT NULL,
      recipient_landmark text,
      window_start timestamptz NOT NULL,
      window_end timestamptz NOT NULL,
      priority text NOT NULL DEFAULT 'standard' CHECK (priority IN ('standard','express','medical')),
      cold_chain boolean NOT NULL DEFAULT false,
      idempotency_key text UNIQUE,
      request_hash text,
      source text NOT NULL DEFAULT 'api',
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (window_end > window_start)
    )`);
    await q.query(`CREATE INDEX orders_recipient_location_gist ON orders USING gist (recipient_location)`);
    await q.query(`CREATE INDEX orders_sender_location_gist ON orders USING gist (sender_location)`);
    await q.query(`CREATE INDEX orders_hub_status ON orders (hub_id, status, created_at DESC)`);
    await q.query(`CREATE INDEX orders_created ON orders (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX orders_village ON orders (village)`);

    await q.query(`CREATE TABLE parcels (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES orders(id),
      tracking_number text NOT NULL UNIQUE,
      weight_g integer NOT NULL CHECK (weight_g > 0),
      length_mm integer NOT NULL CHECK (length_mm > 0),
      width_mm integer NOT NULL CHECK (width_mm > 0),
      height_mm integer NOT NULL CHECK (height_mm > 0),
      fragile boolean NOT NULL DEFAULT false,
      description text,
      status text NOT NULL DEFAULT 'created',
      version integer NOT NULL DEFAULT 0,
      current_hub_id uuid REFERENCES hubs(id),
      courier_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX parcels_order ON parcels (order_id)`);
    await q.query(`CREATE INDEX parcels_status ON parcels (status, created_at DESC)`);
    await q.query(`CREATE INDEX parcels_current_hub ON parcels (current_hub_id)`);

    await q.query(`CREATE TABLE parcel_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      parcel_id uuid NOT NULL REFERENCES parcels(id),
      seq integer NOT NULL,
      type text NOT NULL,
      from_status text NOT NULL,
      actor_sub text NOT NULL,
      actor_role text NOT NULL,
      hub_id uuid REFERENCES hubs(id),
      location geometry(Point,4326),
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      proof jsonb,
      reason text,
      note text,
      UNIQUE (parcel_id, seq)
    )`);
    await q.query(`CREATE INDEX parcel_events_location_gist ON parcel_events USING gist (location)`);
    // The history is append-only: corrections are new events, never edits.
    await q.query(`CREATE FUNCTION parcel_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'parcel_events is append-only'; END $$`);
    await q.query(`CREATE TRIGGER parcel_events_no_update BEFORE UPDATE OR DELETE ON parcel_events
      FOR EACH ROW EXECUTE FUNCTION parcel_events_append_only()`);

    await q.query(`CREATE TABLE vehicles (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE,
      kind text NOT NULL CHECK (kind IN ('van','motorbike','tricycle')),
      capacity_weight_g integer NOT NULL CHECK (capacity_weight_g > 0),
      capacity_volume_l numeric(10,2) NOT NULL CHECK (capacity_volume_l > 0),
      home_hub_id uuid NOT NULL REFERENCES hubs(id),
      shift_start time NOT NULL,
      shift_end time NOT NULL,
      skills text[] NOT NULL DEFAULT '{}',
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);

    await q.query(`CREATE TABLE drones (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      serial_number text NOT NULL UNIQUE,
      model text NOT NULL,
      max_payload_g integer NOT NULL CHECK (max_payload_g > 0),
      battery_wh numeric(10,2) NOT NULL CHECK (battery_wh > 0),
      cruise_speed_mps numeric(6,2) NOT NULL CHECK (cruise_speed_mps > 0),
      home_port_id uuid NOT NULL REFERENCES hubs(id),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);

    await q.query(`CREATE TABLE pilots (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      phone text,
      licence_number text NOT NULL UNIQUE,
      licence_class text NOT NULL CHECK (licence_class IN ('VLOS','BVLOS')),
      licence_expires_on date NOT NULL,
      max_drones_supervised integer NOT NULL CHECK (max_drones_supervised BETWEEN 1 AND 100),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);

    await q.query(`CREATE TABLE couriers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      phone text NOT NULL,
      home_hub_id uuid NOT NULL REFERENCES hubs(id),
      vehicle_id uuid REFERENCES vehicles(id),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(
      `ALTER TABLE parcels ADD CONSTRAINT parcels_courier_fk FOREIGN KEY (courier_id) REFERENCES couriers(id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE parcels DROP CONSTRAINT parcels_courier_fk`);
    for (const table of [
      'couriers',
      'pilots',
      'drones',
      'vehicles',
      'parcel_events',
      'parcels',
      'orders',
      'hubs',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP FUNCTION parcel_events_append_only()`);
  }
}
