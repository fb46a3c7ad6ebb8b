import { locale } from '../i18n';

/**
 * Interface text of the village service point agent's panel, in Simplified Chinese and English
 * (kept apart from the shared dictionaries so this panel grows without touching them).
 */
const en = {
  agentTitle: 'Village service point',
  agentLogin: 'Village service point (for a hub operator, optional)',
  agentLoginNone: 'No point: a hub operator of the whole region',
  expectedTitle: 'Expected',
  day: 'Day',
  show: 'Show',
  deliveries: 'Deliveries to hand out',
  pickups: 'Pickups leaving from here',
  nothingExpected: 'Nothing is expected on this day.',
  windowOf: 'window {from}–{to}',
  scanInTitle: 'Scan a parcel in from the courier',
  scanInHint: 'Scan or type the tracking number, then Enter',
  scanIn: 'Scan in',
  scannedIn: '{tn} is waiting here; the recipient is sent the collection code. Collect by {by}.',
  handOverTitle: 'Hand a parcel to the villager',
  trackingNumber: 'Tracking number',
  collectionCode: 'Collection code (the villager tells you)',
  handOver: 'Hand over',
  handedOver: '{tn} handed over.',
  wrongCode: 'Wrong code for {tn}: {n} attempt(s) left.',
  lockedCode: 'Locked: too many wrong codes for {tn}; a dispatcher must issue a new code ({reason}).',
  uncollectedTitle: 'Not collected yet',
  nothingUncollected: 'Every parcel here has been collected.',
  waited: 'waited {age}',
  collectBy: 'collect by {at}',
  expired: 'expired: waits here for the courier to take it back',
  wrongTries: '{n} wrong code(s)',
  sendBack: 'Send back',
  sentBack: '{tn} is sent back: it waits here for the courier to take it to the county hub.',
  state_created: 'not yet at the county hub',
  state_received_at_hub: 'at the county hub',
  state_sorted: 'sorted at the county hub',
  state_loaded: 'loaded',
  state_handed_to_courier: 'with the courier',
  state_out_for_delivery: 'on its way here',
  state_delivery_failed: 'delivery failed, will come again',
  refused: 'Refused: {message}',
  returnCourier: 'Courier taking parcels back',
  keepHere: 'none yet: they wait here',
  handToCourier: 'Hand to the courier',
  chooseCourier: 'Choose the courier taking parcels back first.',
  handedToCourier: '{tn} is handed to {courier}, back to the county hub.',
  ageDays: '{d} d {h} h',
  ageHours: '{h} h {m} min',
  ageMinutes: '{m} min',
};
export type VillageMessageKey = keyof typeof en;

const zh: Record<VillageMessageKey, string> = {
  agentTitle: '村级服务站',
  agentLogin: '村级服务站（站点操作员可选）',
  agentLoginNone: '不指定：全区站点操作员',
  expectedTitle: '待到包裹',
  day: '日期',
  show: '查看',
  deliveries: '待交付村民的包裹',
  pickups: '从本站揽收的包裹',
  nothingExpected: '当天没有待到的包裹。',
  windowOf: '时间窗 {from}–{to}',
  scanInTitle: '扫描入站（快递员交来的包裹）',
  scanInHint: '扫描或输入运单号，按回车',
  scanIn: '入站',
  scannedIn: '{tn} 已入站；取件码已发送给收件人。请于 {by} 前取件。',
  handOverTitle: '交付村民',
  trackingNumber: '运单号',
  collectionCode: '取件码（由村民告知）',
  handOver: '交付',
  handedOver: '{tn} 已交付。',
  wrongCode: '{tn} 的取件码错误：还可尝试 {n} 次。',
  lockedCode: '已锁定：{tn} 的取件码错误次数过多，需由调度员重新发码（{reason}）。',
  uncollectedTitle: '尚未取件',
  nothingUncollected: '本站包裹均已取走。',
  waited: '已等待 {age}',
  collectBy: '取件期限 {at}',
  expired: '已过期：等待快递员带回',
  wrongTries: '取件码错误 {n} 次',
  sendBack: '退回',
  sentBack: '{tn} 已退回：在本站等待快递员带回县级中心。',
  state_created: '尚未到县级中心',
  state_received_at_hub: '已到县级中心',
  state_sorted: '县级中心已分拣',
  state_loaded: '已装车',
  state_handed_to_courier: '已交快递员',
  state_out_for_delivery: '正在送来',
  state_delivery_failed: '投递失败，将再次送来',
  refused: '被拒绝：{message}',
  returnCourier: '带回包裹的快递员',
  keepHere: '暂无：留在本站等待',
  handToCourier: '交快递员带回',
  chooseCourier: '请先选择带回包裹的快递员。',
  handedToCourier: '{tn} 已交给{courier}，退回县级中心。',
  ageDays: '{d} 天 {h} 小时',
  ageHours: '{h} 小时 {m} 分钟',
  ageMinutes: '{m} 分钟',
};

const MESSAGES = { en, 'zh-CN': zh } as const;

export function tv(key: VillageMessageKey, params: Record<string, string | number> = {}): string {
  return MESSAGES[locale()][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

/** A parcel state in words, or the state's own name when there are none. */
export function parcelState(state: string): string {
  const key = `state_${state}`;
  return key in en ? tv(key as VillageMessageKey) : state;
}

/** How long a parcel has waited, coarse enough to read at a glance. */
export function formatAge(ageS: number): string {
  const m = Math.floor(ageS / 60);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  if (d > 0) return tv('ageDays', { d, h: h % 24 });
  if (h > 0) return tv('ageHours', { h, m: m % 60 });
  return tv('ageMinutes', { m });
}
