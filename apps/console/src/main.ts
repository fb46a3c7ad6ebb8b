import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { parseConfig } from '@rd/config';
import { createConsoleApp } from './create-console-app';

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const app = await createConsoleApp({ config });
  await app.listen(config.PORT, '0.0.0.0');
  new Logger('console').log(
    `console on :${config.PORT} for region '${config.CONSOLE_REGION}' (intake ${config.CONSOLE_INTAKE_URL}, planner ${config.CONSOLE_PLANNER_URL})`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
