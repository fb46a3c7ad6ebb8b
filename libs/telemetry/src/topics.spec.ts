import { deviceTopic, parseUplinkTopic, TOPIC_ROOT } from './topics';

describe('device topics', () => {
  it('round-trips an uplink topic', () => {
    const topic = deviceTopic(TOPIC_ROOT, 'drone', 'FC30-0001', 'telemetry');
    expect(topic).toBe('rd/v1/drone/FC30-0001/telemetry');
    expect(parseUplinkTopic(TOPIC_ROOT, topic)).toEqual({
      kind: 'drone',
      deviceId: 'FC30-0001',
      channel: 'telemetry',
      json: false,
    });
    expect(parseUplinkTopic(TOPIC_ROOT, `${topic}/json`)).toMatchObject({
      deviceId: 'FC30-0001',
      json: true,
    });
  });

  it('rejects foreign, downlink and malformed topics', () => {
    expect(parseUplinkTopic(TOPIC_ROOT, 'rd/v1/drone/FC30/missions')).toBeNull();
    expect(parseUplinkTopic(TOPIC_ROOT, 'rd/v1/tractor/T1/telemetry')).toBeNull();
    expect(parseUplinkTopic(TOPIC_ROOT, 'other/drone/FC30/telemetry')).toBeNull();
    expect(parseUplinkTopic(TOPIC_ROOT, 'rd/v1/drone/a/b/telemetry')).toBeNull();
    expect(parseUplinkTopic(TOPIC_ROOT, 'rd/v1/drone/a/telemetry/xml')).toBeNull();
    expect(() => deviceTopic(TOPIC_ROOT, 'courier', 'bad/id', 'routes')).toThrow(/not a valid topic level/);
  });
});
