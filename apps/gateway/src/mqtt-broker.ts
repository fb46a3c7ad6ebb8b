export const MQTT_BROKER = Symbol('MQTT_BROKER');

/** The broker the gateway talks to. */
export interface MqttBrokerTarget {
  url: string;
  username?: string;
  password?: string;
  /** `$share/` subscriptions (Mosquitto, EMQX); the embedded aedes broker has none: one lane, plain filters. */
  sharedSubscriptions: boolean;
  /** MQTT 5 (session expiry, content type, retain-as-published); the embedded aedes speaks 3.1.1 only. */
  mqtt5?: boolean;
}

/** Protocol options for a gateway connection to this broker. */
export function protocolOptions(broker: MqttBrokerTarget, sessionExpiryS?: number) {
  if (broker.mqtt5 === false) return { protocolVersion: 4 as const };
  return {
    protocolVersion: 5 as const,
    ...(sessionExpiryS === undefined ? {} : { properties: { sessionExpiryInterval: sessionExpiryS } }),
  };
}
