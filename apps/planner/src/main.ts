import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { parseConfig } from '@rd/config';
import { startEmbeddedPostgres } from '@rd/database';
import { planningQueueFromConfig } from '@rd/queue';
import { createPlannerApp } from './create-planner-app';

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const logger = new Logger('planner');
  let url = config.DATABASE_URL;
  if (!url) {
    logger.warn(`DATABASE_URL unset: embedded PGlite in ${config.PGLITE_DATA_DIR} (development only)`);
    url = (await startEmbeddedPostgres(config.PGLITE_DATA_DIR)).url;
  }
  const planningQueue = planningQueueFromConfig(config);
  const app = await createPlannerApp({
    config,
    database: { url, embedded: !config.DATABASE_URL },
    planningQueue,
  });
  await app.listen(config.PORT, '0.0.0.0');
  logger.log(`planner consuming queue 'planning' (${planningQueue.kind}); HTTP on :${config.PORT}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
