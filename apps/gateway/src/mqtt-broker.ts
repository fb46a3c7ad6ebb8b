export const MQTT_BROKER = Symbol('MQTT_BROKER');

/** The broker the gateway talks to. */
export interface MqttBrokerTarget {
  url: string;
  username?: string;
  password?: string;
  /** `$share/` subscriptions (Mosquitto, EMQX); the embedded aedes broker has none: one lane, plain filters. */
  sharedSubscriptions: boolean;
}
