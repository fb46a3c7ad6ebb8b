import mqtt, { type MqttClient } from 'mqtt';
import { encodeDeviceMessage } from '../device-codec';
import { deviceTopic } from '../topics';
import type { DeviceSimulator, OutgoingMessage } from './device-simulator';

export interface SimulationTarget {
  url: string;
  root: string;
  /** Each device logs in as itself (username = device id) when its secret is known; else one shared login. */
  secrets?: Map<string, string>;
  shared?: { username?: string; password?: string; connections: number };
}

export interface SimulationClock {
  /** Device time of the first step. */
  startMs: number;
  /** Device time of the last step (inclusive), unless every device finished earlier. */
  endMs: number;
  /** Device time between steps. */
  stepMs: number;
  /** Wall time per step (0: as fast as the broker takes it): accelerated time is stepMs / realStepMs. */
  realStepMs: number;
}

export interface SimulationReport {
  steps: number;
  published: number;
  /** Every (device, seq) published at least once: what must be stored exactly once. */
  distinct: Set<string>;
}

export function topicOf(root: string, m: OutgoingMessage): string {
  const topic = deviceTopic(root, m.kind, m.deviceId, m.channel);
  return m.format === 'json' ? `${topic}/json` : topic;
}

/** Publishes a simulation at QoS 1 over real MQTT connections, step by step in accelerated device time. */
export async function publishSimulation(
  simulator: DeviceSimulator,
  target: SimulationTarget,
  deviceIds: string[],
  clock: SimulationClock,
  /** Called after each step (progress displays). */
  onStep?: (deviceTimeMs: number, report: SimulationReport) => void,
): Promise<SimulationReport> {
  const clients = new Map<string, MqttClient>();
  const pool: MqttClient[] = [];
  const connect = (username?: string, password?: string) =>
    mqtt.connectAsync(target.url, { username, password, reconnectPeriod: 500, clean: true });
  if (target.secrets) {
    for (const id of deviceIds) clients.set(id, await connect(id, target.secrets.get(id)));
  } else {
    for (let i = 0; i < (target.shared?.connections ?? 1); i++)
      pool.push(await connect(target.shared?.username, target.shared?.password));
  }
  const clientOf = (m: OutgoingMessage, i: number) => clients.get(m.deviceId) ?? pool[i % pool.length];
  const report: SimulationReport = { steps: 0, published: 0, distinct: new Set() };
  const send = async (messages: OutgoingMessage[]) => {
    await Promise.all(
      messages.map((m, i) =>
        clientOf(m, i)
          .publishAsync(topicOf(target.root, m), encodeDeviceMessage(m.message, m.format), { qos: 1 })
          .then(() => {
            report.published++;
            report.distinct.add(`${m.deviceId}/${m.message.seq}`);
          }),
      ),
    );
  };
  try {
    for (let t = clock.startMs; t <= clock.endMs; t += clock.stepMs) {
      const began = Date.now();
      await send(simulator.step(t));
      report.steps++;
      onStep?.(t, report);
      if (simulator.finished(t)) break;
      const wait = clock.realStepMs - (Date.now() - began);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await send(simulator.flush());
  } finally {
    await Promise.all([...clients.values(), ...pool].map((c) => c.endAsync()));
  }
  return report;
}
