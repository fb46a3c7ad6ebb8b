import type { Readable, Transform } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { parse } from 'csv-parse';
import { DomainError, DomainErrorCode } from '@rd/domain';
import { missingColumns, type ParsedCsv } from './bulk-csv';

export interface CsvReadLimits {
  /** Bytes on the wire and bytes after inflation, each. */
  maxBytes: number;
  maxRows: number;
  /** Inflated bytes per compressed byte beyond the first MiB: a 2 KB body may not become 32 MB. */
  maxInflationRatio: number;
}

/** Legacy Chinese encodings Excel saves; GB18030 is a superset of GBK and GB2312. */
const GB_CHARSETS = new Set(['gbk', 'gb2312', 'gb18030', 'x-gbk', 'cp936']);
const FREE_INFLATION_BYTES = 1 << 20;

/**
 * Reads a bulk CSV upload as a stream: inflates it (gzip, deflate, br) with a bound on size and
 * ratio, decodes it strictly (UTF-8, or GB18030 when the charset says so; never U+FFFD), and parses
 * it record by record, stopping at the row cap. Each chunk is its own turn of the event loop, so
 * other requests are answered while a large upload is read.
 */
export function readBulkCsv(
  source: Readable,
  headers: { contentType: string; contentEncoding?: string },
  limits: CsvReadLimits,
): Promise<ParsedCsv> {
  return new Promise<ParsedCsv>((resolve, reject) => {
    let settled = false;
    const records: Array<Record<string, string>> = [];
    let header: string[] | null = null;
    let rawBytes = 0;
    let inflatedBytes = 0;

    let inflater: Transform | null;
    let decoder: TextDecoder;
    try {
      inflater = inflaterFor(headers.contentEncoding);
      decoder = decoderFor(headers.contentType);
    } catch (error) {
      source.resume();
      return reject(error);
    }
    const parser = parse({
      columns: (names: string[]) => (header = names.map((h) => h.trim().toLowerCase())),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      bom: true,
    });

    const fail = (error: DomainError) => {
      if (settled) return;
      settled = true;
      source.unpipe();
      inflater?.destroy();
      parser.destroy();
      source.resume(); // discard the rest of the body without inflating or parsing it
      reject(error);
    };
    const tooLarge = (reason: string) =>
      fail(
        new DomainError(DomainErrorCode.PayloadTooLarge, 'the upload is too large', [
          { field: '(body)', reason },
        ]),
      );
    const csvError = (reason: string, message = 'the CSV could not be read') =>
      fail(DomainError.validation([{ field: '(csv)', reason }], message));

    const onText = (bytes: Buffer) => {
      inflatedBytes += bytes.length;
      if (inflatedBytes > limits.maxBytes) return tooLarge(`more than ${limits.maxBytes} bytes of CSV`);
      if (
        inflater &&
        inflatedBytes > FREE_INFLATION_BYTES &&
        inflatedBytes > rawBytes * limits.maxInflationRatio
      )
        return tooLarge(`inflates more than ${limits.maxInflationRatio}× (a compression bomb?)`);
      let text: string;
      try {
        text = decoder.decode(bytes, { stream: true });
      } catch {
        return csvError(
          'the file is not UTF-8: save it as UTF-8, or send Content-Type: text/csv; charset=gb18030 for GBK',
          'unreadable text encoding',
        );
      }
      if (text.includes('\uFFFD'))
        return csvError('contains U+FFFD replacement characters: the file was mis-decoded before upload');
      if (!parser.write(text)) source.pause();
    };
    parser.on('drain', () => source.resume());

    parser.on('readable', () => {
      let record: Record<string, string> | null;
      while (!settled && (record = parser.read() as Record<string, string> | null) !== null) {
        if (records.length === 0 && header) {
          const missing = missingColumns(header);
          if (missing.length) {
            return fail(DomainError.validation(missing, 'the CSV header is missing required columns'));
          }
        }
        records.push(record);
        if (records.length > limits.maxRows)
          return csvError(`at most ${limits.maxRows} rows per upload`, 'too many rows');
      }
    });
    parser.on('error', (e) => csvError(e.message, 'the CSV could not be parsed'));
    parser.on('end', () => {
      if (settled) return;
      if (header) {
        const missing = missingColumns(header);
        if (missing.length)
          return fail(DomainError.validation(missing, 'the CSV header is missing required columns'));
      }
      if (records.length === 0) return csvError('no data rows');
      settled = true;
      resolve({ records });
    });

    source.on('data', (chunk: Buffer) => {
      rawBytes += chunk.length;
      if (rawBytes > limits.maxBytes) tooLarge(`more than ${limits.maxBytes} bytes`);
    });
    source.on('error', () => csvError('the upload was interrupted'));
    const finish = () => {
      if (settled) return;
      try {
        const rest = decoder.decode();
        if (rest) parser.write(rest);
      } catch {
        return csvError('the file is not UTF-8 (it ends inside a character)', 'unreadable text encoding');
      }
      parser.end();
    };
    if (inflater) {
      inflater.on('data', onText);
      inflater.on('error', () => csvError(`the body is not valid ${headers.contentEncoding}`));
      inflater.on('end', finish);
      source.pipe(inflater);
    } else {
      source.on('data', (chunk: Buffer) => !settled && onText(chunk));
      source.on('end', finish);
    }
  });
}

function inflaterFor(encoding: string | undefined): Transform | null {
  switch ((encoding ?? 'identity').trim().toLowerCase()) {
    case 'identity':
    case '':
      return null;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw DomainError.validation([{ field: 'Content-Encoding', reason: 'gzip, deflate, br or none' }]);
  }
}

function decoderFor(contentType: string): TextDecoder {
  const charset = /;\s*charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType)?.[1]?.toLowerCase() ?? 'utf-8';
  if (charset === 'utf-8' || charset === 'utf8' || charset === 'us-ascii')
    return new TextDecoder('utf-8', { fatal: true });
  if (GB_CHARSETS.has(charset)) return new TextDecoder('gb18030', { fatal: true });
  throw DomainError.validation([
    { field: 'Content-Type', reason: `charset ${charset} is not supported: use utf-8 or gb18030` },
  ]);
}
