import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { parseConfig } from '@rd/config';
import { startEmbeddedPostgres } from '@rd/database';
import { planningQueueFromConfig } from '@rd/queue';
import { createIntakeApp } from './create-intake-app';

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const logger = new Logger('intake');
  let url = config.DATABASE_URL;
  if (!url) {
    logger.warn(`DATABASE_URL unset: embedded PGlite in ${config.PGLITE_DATA_DIR} (development only)`);
    url = (await startEmbeddedPostgres(config.PGLITE_DATA_DIR)).url;
  }
  const planningQueue = planningQueueFromConfig(config);
  if (planningQueue.kind === 'in-process') logger.warn('REDIS_URL unset: planning jobs stay in this process');
  const app = await createIntakeApp({
    config,
    database: { url, embedded: !config.DATABASE_URL },
    planningQueue,
  });
  await app.listen(config.PORT, '0.0.0.0');
  logger.log(`intake listening on :${config.PORT} (OpenAPI at /v1/openapi.json)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
