import { deviceMayAccess, mosquittoAcl } from './broker-acl';
import { hashDeviceSecret, verifyDeviceSecret } from './device-credentials';

describe('device credentials and ACL', () => {
  it('hashes secrets in the Mosquitto format and verifies only the right secret', () => {
    const hash = hashDeviceSecret('s3cret');
    expect(hash).toMatch(/^\$7\$101\$[A-Za-z0-9+/=]{16}\$[A-Za-z0-9+/=]{88}$/);
    expect(verifyDeviceSecret('s3cret', hash)).toBe(true);
    expect(verifyDeviceSecret('s3cret!', hash)).toBe(false);
    expect(verifyDeviceSecret('s3cret', 'plain')).toBe(false);
  });

  it('confines a device to its own subtree and its kind’s channels', () => {
    const drone = { deviceId: 'FC-1', kind: 'drone' as const };
    expect(deviceMayAccess('rd/v1', drone, 'rd/v1/drone/FC-1/telemetry', 'publish')).toBe(true);
    expect(deviceMayAccess('rd/v1', drone, 'rd/v1/drone/FC-1/telemetry/json', 'publish')).toBe(true);
    expect(deviceMayAccess('rd/v1', drone, 'rd/v1/drone/FC-2/telemetry', 'publish')).toBe(false);
    expect(deviceMayAccess('rd/v1', drone, 'rd/v1/drone/FC-1/commands', 'publish')).toBe(false);
    expect(deviceMayAccess('rd/v1', drone, 'rd/v1/drone/FC-1/commands', 'subscribe')).toBe(true);
    expect(deviceMayAccess('rd/v1', drone, 'rd/v1/drone/FC-1/routes', 'subscribe')).toBe(false);
    expect(deviceMayAccess('rd/v1', drone, 'rd/v1/#', 'subscribe')).toBe(false);
    expect(deviceMayAccess('rd/v1', drone, 'rd/v1/courier/FC-1/telemetry', 'publish')).toBe(false);
  });

  it('writes a default-deny Mosquitto ACL with per-user patterns', () => {
    const acl = mosquittoAcl('rd/v1', 'gateway');
    expect(acl).toContain('user gateway\ntopic readwrite rd/v1/#');
    expect(acl).toContain('pattern write rd/v1/courier/%u/telemetry');
    expect(acl).toContain('pattern read rd/v1/drone/%u/missions');
    expect(acl).not.toMatch(/pattern (read|readwrite) rd\/v1\/(drone|courier)\/%u\/telemetry/);
    expect(acl).not.toContain('pattern read rd/v1/courier/%u/missions');
  });
});
