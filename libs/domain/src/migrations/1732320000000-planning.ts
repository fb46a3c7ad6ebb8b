import { MigrationInterface, QueryRunner } from 'typeorm';

/** Regions with their road maps, planning runs, and versioned plans (never edited in place). */
export class Planning1732320000000 implements MigrationInterface {
  name = 'Planning1732320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE hubs ADD COLUMN region text NOT NULL DEFAULT 'default'`);
    await q.query(`CREATE INDEX hubs_region ON hubs (region)`);

    await q.query(`CREATE TABLE maps (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      region text NOT NULL,
      source text NOT NULL,
      status text NOT NULL CHECK (status IN ('importing','ready','failed')),
      progress jsonb NOT NULL DEFAULT '{}'::jsonb,
      data_file text,
      profiles text[] NOT NULL DEFAULT '{}',
      stats jsonb NOT NULL DEFAULT '{}'::jsonb,
      bbox geometry(Polygon,4326),
      error text,
      active boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      ready_at timestamptz
    )`);
    await q.query(`CREATE UNIQUE INDEX maps_one_active_per_region ON maps (region) WHERE active`);

    await q.query(`CREATE TABLE planning_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      region text NOT NULL,
      job_key text NOT NULL,
      reason text NOT NULL,
      status text NOT NULL CHECK (status IN ('running','succeeded','failed')),
      stage text NOT NULL DEFAULT 'queued',
      progress jsonb NOT NULL DEFAULT '{}'::jsonb,
      attempt integer NOT NULL DEFAULT 1,
      plan_id uuid,
      error text,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`);
    await q.query(`CREATE INDEX planning_runs_region ON planning_runs (region, started_at DESC)`);

    await q.query(`CREATE TABLE plans (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      region text NOT NULL,
      version integer NOT NULL,
      status text NOT NULL CHECK (status IN ('current','superseded')),
      source text NOT NULL CHECK (source IN ('solver','dispatcher')),
      based_on uuid REFERENCES plans(id),
      job_key text,
      plan_date date NOT NULL,
      stats jsonb NOT NULL DEFAULT '{}'::jsonb,
      summary jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      committed_at timestamptz,
      committed_by text,
      UNIQUE (region, version),
      UNIQUE (region, job_key)
    )`);
    await q.query(
      `CREATE UNIQUE INDEX plans_one_current_per_region ON plans (region) WHERE status = 'current'`,
    );

    await q.query(`CREATE TABLE plan_routes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      plan_id uuid NOT NULL REFERENCES plans(id),
      vehicle_id uuid NOT NULL REFERENCES vehicles(id),
      courier_id uuid REFERENCES couriers(id),
      profile text NOT NULL,
      locked boolean NOT NULL DEFAULT false,
      committed boolean NOT NULL DEFAULT false,
      distance_m double precision NOT NULL,
      duration_s double precision NOT NULL,
      trips integer NOT NULL,
      start_at timestamptz NOT NULL,
      end_at timestamptz NOT NULL,
      geometry geometry(LineString,4326),
      UNIQUE (plan_id, vehicle_id)
    )`);
    await q.query(`CREATE INDEX plan_routes_courier ON plan_routes (courier_id)`);
    await q.query(`CREATE INDEX plan_routes_geometry_gist ON plan_routes USING gist (geometry)`);

    await q.query(`CREATE TABLE plan_visits (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      route_id uuid NOT NULL REFERENCES plan_routes(id),
      seq integer NOT NULL,
      visit_type text NOT NULL CHECK (visit_type IN ('start','stop','reload','end')),
      order_id uuid REFERENCES orders(id),
      hub_id uuid REFERENCES hubs(id),
      location geometry(Point,4326) NOT NULL,
      arrival_at timestamptz NOT NULL,
      start_at timestamptz NOT NULL,
      departure_at timestamptz NOT NULL,
      load jsonb NOT NULL,
      leg_distance_m double precision NOT NULL,
      leg_duration_s double precision NOT NULL,
      leg_geometry geometry(LineString,4326),
      UNIQUE (route_id, seq)
    )`);
    await q.query(`CREATE INDEX plan_visits_order ON plan_visits (order_id)`);

    await q.query(`CREATE TABLE plan_unassigned (
      plan_id uuid NOT NULL REFERENCES plans(id),
      order_id uuid NOT NULL REFERENCES orders(id),
      reason text NOT NULL,
      detail text,
      PRIMARY KEY (plan_id, order_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['plan_unassigned', 'plan_visits', 'plan_routes', 'plans', 'planning_runs', 'maps']) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`ALTER TABLE hubs DROP COLUMN region`);
  }
}
