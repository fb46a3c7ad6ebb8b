import { createServer, type AddressInfo, type Server } from 'node:net';

export interface EmbeddedBroker {
  url: string;
  stop(): Promise<void>;
}

/** An in-process MQTT broker (aedes) on loopback, for running without Mosquitto (development only). */
export async function startEmbeddedBroker(): Promise<EmbeddedBroker> {
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
      }),
  };
}
