/** Interface text in Simplified Chinese and English; dates, times and distances through Intl. */
export type Locale = 'zh-CN' | 'en';

const en = {
  appTitle: 'Rural dispatch console',
  signIn: 'Sign in',
  signOut: 'Sign out',
  devLogin: 'Development log-in: choose a role',
  staffId: 'Staff record (courier or pilot id, optional)',
  pasteToken: 'Or paste a token from the issuer',
  useToken: 'Use token',
  badToken: 'This is not a valid token.',
  role_dispatcher: 'Dispatcher',
  role_hub_operator: 'Hub operator',
  role_pilot: 'Pilot',
  role_courier: 'Courier',
  role_admin: 'Administrator',
  view_dispatcher: 'Dispatch',
  view_hub: 'Hub',
  view_courier: 'My route',
  view_map: 'Map',
  view_pilot: 'My missions',
  notAllowed: 'Your role cannot open this view.',
  language: 'Language',
  orders: 'Orders',
  allStatuses: 'All statuses',
  allKinds: 'All kinds',
  village: 'Village',
  filter: 'Filter',
  kind: 'Kind',
  status: 'Status',
  window: 'Window',
  recipient: 'Recipient',
  noOrders: 'No orders match.',
  more: 'More',
  planNow: 'Plan now',
  planning: 'Planning…',
  runProgress: 'Run {job}: {stage}',
  runFailed: 'Planning failed: {error}',
  summary: 'Plan summary',
  version: 'Version {v}',
  vehicles: 'Vehicles',
  distance: 'Distance',
  onTimeShare: 'On time',
  stops: 'Stops',
  unassignedCount: 'Unassigned',
  noPlan: 'No plan yet. Press “Plan now”.',
  serviceDay: 'Service day',
  diffTitle: 'Changes against version {v}',
  noPrevious: 'This is the first version.',
  movedOrders: '{n} orders changed vehicle',
  unassigned: 'Unassigned orders',
  reason: 'Reason',
  noneUnassigned: 'Every order is planned.',
  routes: 'Routes',
  lock: 'Lock',
  unlock: 'Unlock',
  locked: 'locked',
  committed: 'committed',
  commit: 'Commit plan',
  committedAt: 'Committed {at}',
  proposals: 'Proposals',
  proposalOf: 'Version {v}: {stops} stops, {unassigned} unassigned (planned while the plan changed)',
  adopt: 'Adopt',
  moveStop: 'Move a stop',
  order: 'Order',
  toVehicle: 'To vehicle',
  position: 'Position',
  move: 'Move',
  moveOk: 'Moved: re-checked and stored as version {v}.',
  refused: 'Refused: {message}',
  scanTitle: 'Scan a parcel',
  scanHint: 'Type, paste or scan a tracking number, then Enter',
  event: 'Event',
  hub: 'Hub',
  scan: 'Record scan',
  scanned: 'Recorded: {type}',
  history: 'History',
  atHub: 'At this hub',
  nothingAtHub: 'Nothing sits at this hub.',
  parcelNotFound: 'No parcel with this number.',
  myRoute: 'My route',
  noRoute: 'No committed route for you yet.',
  error: 'Error: {message}',
};
export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  appTitle: '农村配送调度台',
  signIn: '登录',
  signOut: '退出',
  devLogin: '开发登录：选择角色',
  staffId: '员工记录（快递员或飞手编号，可选）',
  pasteToken: '或粘贴签发方的令牌',
  useToken: '使用令牌',
  badToken: '令牌无效。',
  role_dispatcher: '调度员',
  role_hub_operator: '站点操作员',
  role_pilot: '飞手',
  role_courier: '快递员',
  role_admin: '管理员',
  view_dispatcher: '调度',
  view_hub: '站点',
  view_courier: '我的路线',
  view_map: '地图',
  view_pilot: '我的任务',
  notAllowed: '您的角色无权打开此页面。',
  language: '语言',
  orders: '订单',
  allStatuses: '全部状态',
  allKinds: '全部类型',
  village: '村庄',
  filter: '筛选',
  kind: '类型',
  status: '状态',
  window: '时间窗',
  recipient: '收件人',
  noOrders: '没有符合条件的订单。',
  more: '更多',
  planNow: '立即规划',
  planning: '规划中…',
  runProgress: '任务 {job}：{stage}',
  runFailed: '规划失败：{error}',
  summary: '方案概要',
  version: '第 {v} 版',
  vehicles: '车辆',
  distance: '里程',
  onTimeShare: '准时率',
  stops: '站点',
  unassignedCount: '未分配',
  noPlan: '尚无方案，请点击“立即规划”。',
  serviceDay: '服务日',
  diffTitle: '与第 {v} 版相比',
  noPrevious: '这是第一个版本。',
  movedOrders: '{n} 个订单换了车辆',
  unassigned: '未分配订单',
  reason: '原因',
  noneUnassigned: '所有订单均已规划。',
  routes: '路线',
  lock: '锁定',
  unlock: '解锁',
  locked: '已锁定',
  committed: '已下发',
  commit: '下发方案',
  committedAt: '已于 {at} 下发',
  proposals: '建议方案',
  proposalOf: '第 {v} 版：{stops} 个站点，{unassigned} 个未分配（规划期间方案已变更）',
  adopt: '采用',
  moveStop: '调整站点',
  order: '订单',
  toVehicle: '目标车辆',
  position: '位置',
  move: '调整',
  moveOk: '已调整：校验通过，保存为第 {v} 版。',
  refused: '被拒绝：{message}',
  scanTitle: '扫描包裹',
  scanHint: '输入、粘贴或扫描运单号，按回车',
  event: '事件',
  hub: '站点',
  scan: '记录扫描',
  scanned: '已记录：{type}',
  history: '轨迹',
  atHub: '本站包裹',
  nothingAtHub: '本站暂无包裹。',
  parcelNotFound: '没有此运单号的包裹。',
  myRoute: '我的路线',
  noRoute: '您还没有已下发的路线。',
  error: '出错：{message}',
};

const MESSAGES: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zh };
const STORAGE_KEY = 'rd.locale';

/** Chinese when the browser's first Chinese-or-English preference is Chinese; a choice made in the console wins. */
export function pickLocale(languages: readonly string[], stored: string | null): Locale {
  if (stored === 'en' || stored === 'zh-CN') return stored;
  for (const tag of languages) {
    const t = tag.toLowerCase();
    if (t.startsWith('zh')) return 'zh-CN';
    if (t.startsWith('en')) return 'en';
  }
  return 'en';
}

let current: Locale = pickLocale(
  typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]),
  typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY),
);

export function locale(): Locale {
  return current;
}

export function setLocale(next: Locale): void {
  current = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return MESSAGES[current][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(current, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

export function formatTime(iso: string): string {
  return new Intl.DateTimeFormat(current, { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

export function formatKm(metres: number): string {
  return new Intl.NumberFormat(current, {
    style: 'unit',
    unit: 'kilometer',
    maximumFractionDigits: 1,
  }).format(metres / 1000);
}

export function formatShare(share: number): string {
  return new Intl.NumberFormat(current, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}
