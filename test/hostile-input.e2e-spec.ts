import { startApp, sweepHostileInput, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../apps/intake/src/create-intake-app';
import { createPlannerApp } from '../apps/planner/src/create-planner-app';

/**
 * Every route of every HTTP app's OpenAPI document, swept with hostile values (NUL bytes, year 0000,
 * malformed ids and cursors, numbers beyond any column, empty parameters) under each role's token:
 * bad input is a 4xx, never a 500.
 */
describe('hostile input sweep over every route: 4xx, never 500', () => {
  let intake: RunningApp;
  let planner: RunningApp;
  beforeAll(async () => {
    // Limits off: every hostile value must reach its route, not a 429.
    const unlimited = { RATE_LIMIT_PER_TOKEN: '10000000', RATE_LIMIT_PER_IP: '10000000' };
    intake = await startApp('sweep', createIntakeApp, { PLANNING_DEBOUNCE_MS: '600000', ...unlimited });
    planner = await startApp('sweep', createPlannerApp, unlimited, { db: intake.db, prefix: intake.prefix });
  });
  afterAll(async () => {
    await planner.close();
    await intake.close();
  });

  const tokens = (app: RunningApp) => [
    app.auth('admin'),
    app.auth('courier', '6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11'),
    app.auth('courier', 'not-a-uuid'),
  ];

  it('intake', async () => {
    const { requests, failures } = await sweepHostileInput(intake.app, tokens(intake));
    expect(requests).toBeGreaterThan(300);
    expect(failures).toEqual([]);
  }, 300_000);

  it('planner', async () => {
    const { requests, failures } = await sweepHostileInput(planner.app, tokens(planner));
    expect(requests).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  }, 300_000);
});
