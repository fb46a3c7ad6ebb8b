import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { parseConfig } from '@rd/config';
import { startEmbeddedPostgres } from '@rd/database';
import { planningQueueFromConfig } from '@rd/queue';
import { createGatewayApp } from './create-gateway-app';
import type { MqttBrokerTarget } from './mqtt-broker';
import { DevicesRepository } from './devices/devices.repository';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker';

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const logger = new Logger('gateway');
  let url = config.DATABASE_URL;
  if (!url) {
    logger.warn(`DATABASE_URL unset: embedded PGlite in ${config.PGLITE_DATA_DIR} (development only)`);
    url = (await startEmbeddedPostgres(config.PGLITE_DATA_DIR)).url;
  }
  const database = { url, embedded: !config.DATABASE_URL };
  let broker: MqttBrokerTarget = {
    url: config.MQTT_URL ?? '',
    username: config.MQTT_USERNAME,
    password: config.MQTT_PASSWORD,
    sharedSubscriptions: true,
  };
  let embedded: EmbeddedBroker | undefined;
  if (!config.MQTT_URL) {
    embedded = await startEmbeddedBroker({ root: config.MQTT_TOPIC_ROOT });
    broker = { ...embedded.gatewayLogin, url: embedded.url, sharedSubscriptions: false, mqtt5: false };
    logger.warn(`MQTT_URL unset: in-process broker at ${embedded.url} (development only)`);
  }
  const planningQueue = planningQueueFromConfig(config);
  const app = await createGatewayApp({ config, database, broker, planningQueue });
  const devices = app.get(DevicesRepository);
  embedded?.setDeviceLookup((deviceId) => devices.credentials(deviceId));
  await app.listen(config.PORT, '0.0.0.0');
  logger.log(`gateway on :${config.PORT}, devices under ${config.MQTT_TOPIC_ROOT}/…`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
