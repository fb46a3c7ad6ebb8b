import { DomainError } from '@rd/domain';
import { createOrderSchema } from '@rd/domain';
import { csvColumnOf, csvRecordToOrder, parseBulkCsv } from './bulk-csv';

const header =
  'idempotency_key,kind,hub_code,village,sender_name,sender_phone,sender_lon,sender_lat,sender_landmark,recipient_name,recipient_phone,recipient_lon,recipient_lat,recipient_landmark,window_start,window_end,priority,cold_chain,weight_g,length_mm,width_mm,height_mm,fragile,description,parcel_count';

describe('bulk CSV', () => {
  it('maps a row onto a valid order message', () => {
    const csv = `${header}\nk-00000001,pickup,HUB1,Lishui,Wang Fang,13800000000,1.52,42.51,"blue gate, village committee",Hub,13900000000,1.53,42.52,,2026-11-23T08:00:00Z,2026-11-23T12:00:00Z,express,true,2500,300,200,150,no,apples,2\n`;
    const { records } = parseBulkCsv(csv, 10);
    const { order, key } = csvRecordToOrder(records[0]);
    expect(key).toBe('k-00000001');
    const parsed = createOrderSchema.parse(order);
    expect(parsed.sender.landmark).toBe('blue gate, village committee');
    expect(parsed.parcels).toHaveLength(2);
    expect(parsed.parcels[0]).toEqual({
      weightG: 2500,
      lengthMm: 300,
      widthMm: 200,
      heightMm: 150,
      fragile: false,
      description: 'apples',
    });
    expect(parsed.coldChain).toBe(true);
  });

  it('lets the schema name the bad column', () => {
    const csv = `${header}\n,delivery,,,A,13800000000,200,42.5,,B,13900000000,1.5,42.5,,2026-11-23T12:00:00Z,2026-11-23T08:00:00Z,,,abc,1,1,1,,,\n`;
    const { order } = csvRecordToOrder(parseBulkCsv(csv, 10).records[0]);
    const result = createOrderSchema.safeParse(order);
    expect(result.success).toBe(false);
    const fields = result.error!.issues.map((i) => csvColumnOf(i.path.join('.')));
    expect(fields).toEqual(expect.arrayContaining(['sender_lon', 'weight_g', 'window_end']));
  });

  it('refuses a file without required columns or with too many rows', () => {
    expect(() => parseBulkCsv('kind,sender_name\ndelivery,A\n', 10)).toThrow(DomainError);
    const row = `\n,delivery,,,A,1380000,1,1,,B,1390000,1,1,,2026-11-23T08:00:00Z,2026-11-23T09:00:00Z,,,1,1,1,1,,,`;
    expect(() => parseBulkCsv(header + row.repeat(3), 2)).toThrow(/too many rows/);
  });

  it('refuses a parcel_count that is not a whole number from 1 to 100, naming the column', () => {
    const row = (count: string) =>
      `${header}\nk-00000002,delivery,,,A,13800000000,1.52,42.51,,B,13900000000,1.53,42.52,,2026-11-23T08:00:00Z,2026-11-23T12:00:00Z,,,500,10,10,10,,,${count}\n`;
    for (const bad of ['0', '101', 'abc', '2.5', '-3', '0x10', '1e1']) {
      const { errors } = csvRecordToOrder(parseBulkCsv(row(bad), 10).records[0]);
      expect({ bad, errors }).toEqual({
        bad,
        errors: [{ field: 'parcel_count', reason: 'must be a whole number from 1 to 100' }],
      });
    }
    for (const [good, n] of [
      ['', 1],
      ['1', 1],
      ['100', 100],
      [' 7 ', 7],
    ] as const) {
      const { order, errors } = csvRecordToOrder(parseBulkCsv(row(good), 10).records[0]);
      expect(errors).toEqual([]);
      expect(createOrderSchema.parse(order).parcels).toHaveLength(n);
    }
  });

  it('reads numbers as plain decimals only: hex, exponents and Infinity are refused', () => {
    const row = (weight: string) =>
      `${header}\nk-00000003,delivery,,,A,13800000000,1.52,42.51,,B,13900000000,1.53,42.52,,2026-11-23T08:00:00Z,2026-11-23T12:00:00Z,,,${weight},10,10,10,,,1\n`;
    for (const bad of ['0x10', '1e3', 'Infinity', '12abc']) {
      const { order } = csvRecordToOrder(parseBulkCsv(row(bad), 10).records[0]);
      const result = createOrderSchema.safeParse(order);
      expect({ bad, ok: result.success }).toEqual({ bad, ok: false });
    }
    const { order } = csvRecordToOrder(parseBulkCsv(row('1500'), 10).records[0]);
    expect(createOrderSchema.parse(order).parcels[0].weightG).toBe(1500);
  });
});
