import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { parseConfig } from '@rd/config';
import { createGatewayApp } from './create-gateway-app';
import { startEmbeddedBroker } from './embedded-broker';

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const logger = new Logger('gateway');
  let brokerUrl = config.MQTT_URL;
  if (!brokerUrl) {
    brokerUrl = (await startEmbeddedBroker()).url;
    logger.warn(`MQTT_URL unset: in-process broker at ${brokerUrl} (development only)`);
  }
  const app = await createGatewayApp({ config, brokerUrl });
  await app.listen(config.PORT, '0.0.0.0');
  logger.log(`gateway on :${config.PORT}, devices under ${config.MQTT_TOPIC_ROOT}/…`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
