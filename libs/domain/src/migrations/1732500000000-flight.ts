import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drone legs: airspace (no-fly zones, corridors, landing spots), region weather, drone and pilot
 * parameters the planner needs, the recipients' drone opt-out, and flight missions with their
 * append-only event history.
 */
export class Flight1732500000000 implements MigrationInterface {
  name = 'Flight1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE no_fly_zones (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      region text NOT NULL,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('airport','military','school','temporary','other')),
      geometry geometry(MultiPolygon,4326) NOT NULL,
      floor_m double precision NOT NULL DEFAULT 0,
      ceiling_m double precision NOT NULL,
      altitude_ref text NOT NULL CHECK (altitude_ref IN ('above_ground','above_takeoff','amsl')),
      active_periods jsonb NOT NULL DEFAULT '[]'::jsonb,
      daily_windows_utc jsonb NOT NULL DEFAULT '[]'::jsonb,
      source text NOT NULL DEFAULT 'api',
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ceiling_m > floor_m)
    )`);
    await q.query(`CREATE INDEX no_fly_zones_geometry_gist ON no_fly_zones USING gist (geometry)`);
    await q.query(`CREATE INDEX no_fly_zones_region ON no_fly_zones (region)`);

    await q.query(`CREATE TABLE corridors (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      region text NOT NULL,
      name text NOT NULL,
      geometry geometry(Polygon,4326) NOT NULL,
      centreline geometry(LineString,4326),
      floor_m double precision NOT NULL DEFAULT 0,
      ceiling_m double precision NOT NULL,
      altitude_ref text NOT NULL CHECK (altitude_ref IN ('above_ground','above_takeoff','amsl')),
      port_ids uuid[] NOT NULL DEFAULT '{}',
      source text NOT NULL DEFAULT 'api',
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ceiling_m > floor_m)
    )`);
    await q.query(`CREATE INDEX corridors_geometry_gist ON corridors USING gist (geometry)`);
    await q.query(`CREATE INDEX corridors_region ON corridors (region)`);

    await q.query(`CREATE TABLE landing_spots (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      region text NOT NULL,
      name text NOT NULL,
      hub_id uuid REFERENCES hubs(id),
      location geometry(Point,4326) NOT NULL,
      clear_radius_m double precision NOT NULL CHECK (clear_radius_m > 0),
      lowering text NOT NULL CHECK (lowering IN ('land','winch','parachute')),
      elevation_amsl_m double precision,
      source text NOT NULL DEFAULT 'api',
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX landing_spots_location_gist ON landing_spots USING gist (location)`);
    await q.query(`CREATE INDEX landing_spots_region ON landing_spots (region)`);

    await q.query(`CREATE TABLE region_weather (
      region text PRIMARY KEY,
      wind_speed_mps double precision NOT NULL CHECK (wind_speed_mps >= 0),
      wind_from_deg double precision NOT NULL CHECK (wind_from_deg >= 0 AND wind_from_deg < 360),
      gust_mps double precision,
      rain boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by text
    )`);

    // Drones: energy-model parameters (a preset id or explicit numbers) and operating hours.
    await q.query(`ALTER TABLE drones
      ADD COLUMN model_params jsonb,
      ADD COLUMN shift_start time NOT NULL DEFAULT '07:00',
      ADD COLUMN shift_end time NOT NULL DEFAULT '19:00'`);
    // Pilots: where they stand (VLOS range is measured from here) and when they work.
    await q.query(`ALTER TABLE pilots
      ADD COLUMN station geometry(Point,4326),
      ADD COLUMN shift_start time NOT NULL DEFAULT '07:00',
      ADD COLUMN shift_end time NOT NULL DEFAULT '19:00',
      ADD COLUMN region text NOT NULL DEFAULT 'default'`);
    await q.query(`ALTER TABLE orders ADD COLUMN drone_opt_out boolean NOT NULL DEFAULT false`);

    await q.query(`CREATE TABLE missions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      plan_id uuid NOT NULL REFERENCES plans(id),
      region text NOT NULL,
      sortie integer NOT NULL,
      drone_id uuid NOT NULL REFERENCES drones(id),
      pilot_id uuid REFERENCES pilots(id),
      order_id uuid NOT NULL REFERENCES orders(id),
      port_id uuid NOT NULL REFERENCES hubs(id),
      landing_spot_id uuid REFERENCES landing_spots(id),
      operation text NOT NULL CHECK (operation IN ('vlos','bvlos')),
      status text NOT NULL CHECK (status IN ('planned','assigned','accepted','rejected','uploaded','launched','delivered','returned','aborted')),
      version integer NOT NULL DEFAULT 0,
      path geometry(LineString,4326) NOT NULL,
      flight jsonb NOT NULL,
      energy_budget jsonb NOT NULL,
      checklist jsonb NOT NULL DEFAULT '{}'::jsonb,
      qgc_plan jsonb,
      launch_at timestamptz NOT NULL,
      land_at timestamptz NOT NULL,
      distance_m double precision NOT NULL,
      energy_wh double precision NOT NULL,
      reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (plan_id, drone_id, sortie),
      CHECK (land_at > launch_at)
    )`);
    await q.query(`CREATE INDEX missions_path_gist ON missions USING gist (path)`);
    await q.query(`CREATE INDEX missions_pilot ON missions (pilot_id, launch_at)`);
    await q.query(`CREATE INDEX missions_plan ON missions (plan_id)`);
    await q.query(`CREATE INDEX missions_order ON missions (order_id)`);

    await q.query(`CREATE TABLE mission_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      mission_id uuid NOT NULL REFERENCES missions(id),
      seq integer NOT NULL,
      type text NOT NULL,
      from_status text NOT NULL,
      to_status text NOT NULL,
      actor_sub text NOT NULL,
      actor_role text NOT NULL,
      reason text,
      detail jsonb,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (mission_id, seq)
    )`);
    // Like parcel_events: corrections are new events, never edits.
    await q.query(`CREATE FUNCTION mission_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'mission_events is append-only'; END $$`);
    await q.query(`CREATE TRIGGER mission_events_no_update BEFORE UPDATE OR DELETE ON mission_events
      FOR EACH ROW EXECUTE FUNCTION mission_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE mission_events`);
    await q.query(`DROP FUNCTION mission_events_append_only()`);
    await q.query(`DROP TABLE missions`);
    await q.query(`ALTER TABLE orders DROP COLUMN drone_opt_out`);
    await q.query(
      `ALTER TABLE pilots DROP COLUMN station, DROP COLUMN shift_start, DROP COLUMN shift_end, DROP COLUMN region`,
    );
    await q.query(
      `ALTER TABLE drones DROP COLUMN model_params, DROP COLUMN shift_start, DROP COLUMN shift_end`,
    );
    for (const table of ['region_weather', 'landing_spots', 'corridors', 'no_fly_zones']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
