import { parse } from 'csv-parse/sync';
import { DomainError, type ErrorDetail } from '@rd/domain';

/** The CSV columns of a bulk upload; one row is one order, with `parcel_count` identical parcels. */
export const BULK_CSV_COLUMNS = [
  'idempotency_key',
  'kind',
  'hub_code',
  'village',
  'sender_name',
  'sender_phone',
  'sender_lon',
  'sender_lat',
  'sender_landmark',
  'recipient_name',
  'recipient_phone',
  'recipient_lon',
  'recipient_lat',
  'recipient_landmark',
  'window_start',
  'window_end',
  'priority',
  'cold_chain',
  'weight_g',
  'length_mm',
  'width_mm',
  'height_mm',
  'fragile',
  'description',
  'parcel_count',
  'last_mile',
  'village_point_code',
] as const;

const REQUIRED = [
  'kind',
  'sender_name',
  'sender_phone',
  'sender_lon',
  'sender_lat',
  'recipient_name',
  'recipient_phone',
  'recipient_lon',
  'recipient_lat',
  'window_start',
  'window_end',
  'weight_g',
  'length_mm',
  'width_mm',
  'height_mm',
];

/** JSON path of the order schema → the CSV column a user fixes. */
const COLUMN_OF: Record<string, string> = {
  kind: 'kind',
  hubCode: 'hub_code',
  village: 'village',
  'sender.name': 'sender_name',
  'sender.phone': 'sender_phone',
  'sender.location.0': 'sender_lon',
  'sender.location.1': 'sender_lat',
  'sender.landmark': 'sender_landmark',
  'recipient.name': 'recipient_name',
  'recipient.phone': 'recipient_phone',
  'recipient.location.0': 'recipient_lon',
  'recipient.location.1': 'recipient_lat',
  'recipient.landmark': 'recipient_landmark',
  'window.start': 'window_start',
  'window.end': 'window_end',
  priority: 'priority',
  coldChain: 'cold_chain',
  idempotencyKey: 'idempotency_key',
  lastMile: 'last_mile',
  villagePointCode: 'village_point_code',
};

export function csvColumnOf(field: string): string {
  if (COLUMN_OF[field]) return COLUMN_OF[field];
  const parcel = /^parcels\.\d+\.(\w+)$/.exec(field);
  if (parcel) {
    const snake = parcel[1].replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    return snake;
  }
  return field;
}

/** Parcels one CSV row may ask for; the order schema allows no more. */
export const MAX_PARCELS_PER_ORDER = 100;

const blank = (v: string | undefined) => v === undefined || v.trim() === '';
// Plain decimals only: `Number()` would also take hex (0x10), exponents (1e3), Infinity and spaces.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
/** A decimal cell as a number; anything else stays text, so the schema refuses it naming the column. */
const num = (v: string | undefined): unknown => {
  if (blank(v)) return undefined;
  const s = v!.trim();
  return DECIMAL.test(s) ? Number(s) : s;
};
const bool = (v: string | undefined): unknown => {
  if (blank(v)) return undefined;
  const s = v!.trim().toLowerCase();
  if (['true', '1', 'yes', 'y'].includes(s)) return true;
  if (['false', '0', 'no', 'n'].includes(s)) return false;
  return v;
};
const str = (v: string | undefined) => (blank(v) ? undefined : v!.trim());

/** Maps one CSV record onto the order message (the same schema validates it as a JSON order). */
export function csvRecordToOrder(record: Record<string, string>): {
  order: Record<string, unknown>;
  key?: string;
  /** Problems of cells that do not map onto the order schema (named by CSV column). */
  errors: ErrorDetail[];
} {
  const errors: ErrorDetail[] = [];
  const count = blank(record.parcel_count) ? 1 : num(record.parcel_count);
  const countOk =
    typeof count === 'number' && Number.isInteger(count) && count >= 1 && count <= MAX_PARCELS_PER_ORDER;
  if (!countOk)
    errors.push({
      field: 'parcel_count',
      reason: `must be a whole number from 1 to ${MAX_PARCELS_PER_ORDER}`,
    });
  const parcel = {
    weightG: num(record.weight_g),
    lengthMm: num(record.length_mm),
    widthMm: num(record.width_mm),
    heightMm: num(record.height_mm),
    fragile: bool(record.fragile),
    description: str(record.description),
  };
  const n = countOk ? count : 1;
  const order: Record<string, unknown> = {
    kind: str(record.kind),
    hubCode: str(record.hub_code),
    village: str(record.village),
    sender: {
      name: str(record.sender_name),
      phone: str(record.sender_phone),
      location: [num(record.sender_lon), num(record.sender_lat)],
      landmark: str(record.sender_landmark),
    },
    recipient: {
      name: str(record.recipient_name),
      phone: str(record.recipient_phone),
      location: [num(record.recipient_lon), num(record.recipient_lat)],
      landmark: str(record.recipient_landmark),
    },
    window: { start: str(record.window_start), end: str(record.window_end) },
    priority: str(record.priority),
    coldChain: bool(record.cold_chain),
    lastMile: str(record.last_mile),
    villagePointCode: str(record.village_point_code),
    parcels: Array.from({ length: n }, () => ({ ...parcel })),
  };
  return {
    order: dropUndefined(order) as Record<string, unknown>,
    key: str(record.idempotency_key),
    errors,
  };
}

function dropUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropUndefined);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, dropUndefined(v)]),
    );
  }
  return value;
}

export interface ParsedCsv {
  records: Array<Record<string, string>>;
}

/** The required columns a header lacks, each as a detail. */
export function missingColumns(header: string[]): ErrorDetail[] {
  return REQUIRED.filter((c) => !header.includes(c)).map((c) => ({
    field: c,
    reason: 'required column is missing from the header',
  }));
}

/** Parses the whole upload; a file without the required header is refused as a whole. */
export function parseBulkCsv(text: string, maxRows: number): ParsedCsv {
  let records: Array<Record<string, string>>;
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      bom: true,
    });
  } catch (e) {
    throw DomainError.validation(
      [{ field: '(csv)', reason: (e as Error).message }],
      'the CSV could not be parsed',
    );
  }
  if (records.length === 0) throw DomainError.validation([{ field: '(csv)', reason: 'no data rows' }]);
  const missing = missingColumns(Object.keys(records[0]));
  if (missing.length) throw DomainError.validation(missing, 'the CSV header is missing required columns');
  if (records.length > maxRows) {
    throw DomainError.validation(
      [{ field: '(csv)', reason: `at most ${maxRows} rows per upload` }],
      'too many rows',
    );
  }
  return { records };
}
