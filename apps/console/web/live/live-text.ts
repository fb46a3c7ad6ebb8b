import { locale } from '../i18n';

/** The live layer's own interface text (kept beside it, so the shared table stays small). */
const en = {
  title: 'Live',
  connecting: 'connecting…',
  connected: 'connected · {n} devices',
  reconnecting: 'reconnecting…',
  refused: 'not allowed for this role',
  noAlerts: 'No alerts yet.',
  courier: 'Courier phone',
  drone: 'Drone',
  speed: '{v} km/h',
  battery: 'battery {v}',
  seenAt: 'fix at {t}',
  alert_battery_below_return_reserve: 'Battery below return reserve',
  alert_courier_off_route: 'Courier off route',
  alert_device_silent: 'Device silent',
  alert_dwell_exceeded: 'Stop takes too long',
  alert_downlink_unacknowledged: 'Route not acknowledged',
  alert_outside_corridor: 'Drone outside its corridor',
  alert_inside_no_fly_zone: 'Drone in a no-fly zone',
};
export type LiveTextKey = keyof typeof en;

const zh: Record<LiveTextKey, string> = {
  title: '实时',
  connecting: '正在连接…',
  connected: '已连接 · {n} 台设备',
  reconnecting: '正在重新连接…',
  refused: '当前角色无权查看',
  noAlerts: '暂无告警。',
  courier: '快递员手机',
  drone: '无人机',
  speed: '{v} 公里/小时',
  battery: '电量 {v}',
  seenAt: '定位时间 {t}',
  alert_battery_below_return_reserve: '电量低于返航储备',
  alert_courier_off_route: '快递员偏离路线',
  alert_device_silent: '设备失联',
  alert_dwell_exceeded: '停留时间过长',
  alert_downlink_unacknowledged: '路线未确认',
  alert_outside_corridor: '无人机偏离航路',
  alert_inside_no_fly_zone: '无人机进入禁飞区',
};

export function liveText(key: LiveTextKey, params: Record<string, string | number> = {}): string {
  const table = locale() === 'zh-CN' ? zh : en;
  return table[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

/** An alert kind's name; a kind this console does not know yet shows as sent. */
export function alertKindText(kind: string): string {
  const key = `alert_${kind}` as LiveTextKey;
  return key in en ? liveText(key) : kind;
}
