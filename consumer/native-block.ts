/**
 * Rows → one block of ClickHouse's Native format (columnar, binary), the insert format the
 * server parses cheapest: no text to scan, no escapes, each column copied as it will be
 * stored. @clickhouse/client has no Native encoder, so this writes the block and the
 * consumer sends it with the client's `exec` (`INSERT … FORMAT Native` with a stream body).
 *
 * A block over HTTP (protocol revision 0): VarUInt columns, VarUInt rows, then per column its
 * name, its type (both as String) and its data. Only the types the events table needs are
 * written; LowCardinality(String) columns are sent as String, which the server converts
 * (input_format_native_allow_types_conversion, on by default).
 */

/** A column's Native type and how to write one value of it. */
export type NativeType =
  | 'String'
  | 'UUID'
  | "DateTime64(3, 'UTC')"
  | 'Date'
  | 'Nullable(Int32)'
  | 'Bool'
  | 'UInt16'
  | 'UInt64'
  | 'Map(String, String)';

export interface NativeColumn<R> {
  name: string;
  type: NativeType;
  /** The column's value in `row`. */
  get(row: R): unknown;
}

/** A value that cannot be written as its column's type (the row cannot be stored). */
export class NativeEncodeError extends Error {
  override readonly name = 'NativeEncodeError';
  constructor(
    readonly rowIndex: number,
    message: string,
  ) {
    super(message);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where byte i of a UUID's text starts (skipping dashes), for the first and second UInt64 reversed. */
const UUID_BYTE_AT = (() => {
  const starts = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
  return [...starts.slice(0, 8).reverse(), ...starts.slice(8).reverse()];
})();

function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}

/** A growable buffer with the writes the Native format needs. */
class Writer {
  buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varUInt(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  string(s: string): void {
    const len = s.length;
    // A UTF-16 unit is at most 3 UTF-8 bytes; a lone surrogate is written as U+FFFD.
    this.ensure(len * 3 + 5);
    const buf = this.buf;
    if (len < 128) {
      // Short ASCII (most values) is copied by hand: Buffer#write costs ~150 ns a call, more
      // than the copy. The one-byte length is right for ASCII, which is one byte a character.
      let at = this.pos + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at++] = c;
      }
      if (i === len) {
        buf[this.pos] = len;
        this.pos = at;
        return;
      }
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varUInt(bytes);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  uint8(n: number): void {
    this.ensure(1);
    this.buf[this.pos++] = n;
  }

  uint16(n: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(n, this.pos);
    this.pos += 2;
  }

  int32(n: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(n, this.pos);
    this.pos += 4;
  }

  /** A non-negative integer below 2^53 (or a bigint) as 8 bytes little-endian. */
  uint64(n: number | bigint): void {
    this.ensure(8);
    if (typeof n === 'bigint') this.buf.writeBigUInt64LE(n, this.pos);
    else {
      this.buf.writeUInt32LE(n % 0x1_0000_0000, this.pos);
      this.buf.writeUInt32LE(Math.floor(n / 0x1_0000_0000), this.pos + 4);
    }
    this.pos += 8;
  }

  int64(n: number): void {
    this.ensure(8);
    const low = n % 0x1_0000_0000;
    const high = Math.floor(n / 0x1_0000_0000);
    this.buf.writeUInt32LE(low < 0 ? low + 0x1_0000_0000 : low, this.pos);
    this.buf.writeInt32LE(high, this.pos + 4);
    this.pos += 8;
  }

  /** ClickHouse keeps a UUID as two UInt64, each little-endian: each half's bytes reversed. */
  uuid(s: string): void {
    this.ensure(16);
    const buf = this.buf;
    // Hex digit positions of the 16 bytes in 8-4-4-4-12 form, in the order they are written.
    for (let k = 0; k < 16; k++) {
      const at = UUID_BYTE_AT[k]!;
      buf[this.pos++] = (hexValue(s.charCodeAt(at)) << 4) | hexValue(s.charCodeAt(at + 1));
    }
  }

  done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/** Encodes `rows` as one Native block. Throws {@link NativeEncodeError} naming the first bad row. */
export function encodeNativeBlock<R>(columns: ReadonlyArray<NativeColumn<R>>, rows: readonly R[]): Buffer {
  // Sized for a typical event row (~350 bytes): one allocation, rarely a copy.
  const w = new Writer(Math.max(1 << 16, rows.length * 512));
  w.varUInt(columns.length);
  w.varUInt(rows.length);
  for (const column of columns) {
    w.string(column.name);
    w.string(column.type);
    writeColumn(w, column, rows);
  }
  return w.done();
}

function writeColumn<R>(w: Writer, column: NativeColumn<R>, rows: readonly R[]): void {
  // One map per column: the getter then always reads one property of one row shape (a fast,
  // monomorphic load), and the loops below walk a plain array.
  const values = rows.map(column.get);
  const bad = (i: number, what: string): never => {
    throw new NativeEncodeError(i, `column ${column.name}: ${what}`);
  };
  const n = values.length;
  switch (column.type) {
    case 'String':
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'string') bad(i, `expected a string, got ${typeof v}`);
        w.string(v as string);
      }
      return;
    case 'UUID':
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'string' || !UUID.test(v)) bad(i, `not a UUID: ${JSON.stringify(v)}`);
        w.uuid(v as string);
      }
      return;
    case "DateTime64(3, 'UTC')":
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) bad(i, `expected epoch milliseconds, got ${v}`);
        w.int64(v as number);
      }
      return;
    case 'Date':
      // Days since 1970-01-01 as UInt16, from 'YYYY-MM-DD'.
      for (let i = 0; i < n; i++) {
        const v = values[i];
        const ms = typeof v === 'string' && DATE.test(v) ? Date.parse(v) : Number.NaN;
        if (!(ms >= 0 && ms < 65536 * 86_400_000)) bad(i, `not a date in 1970-2149: ${JSON.stringify(v)}`);
        w.uint16(ms / 86_400_000);
      }
      return;
    case 'Nullable(Int32)': {
      for (const v of values) w.uint8(v === null || v === undefined ? 1 : 0);
      values.forEach((v, i) => {
        if (v === null || v === undefined) w.int32(0);
        else if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31)
          bad(i, `not an Int32: ${v}`);
        else w.int32(v);
      });
      return;
    }
    case 'Bool':
      for (let i = 0; i < n; i++) w.uint8(values[i] ? 1 : 0);
      return;
    case 'UInt16':
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffff) bad(i, `not a UInt16: ${v}`);
        w.uint16(v as number);
      }
      return;
    case 'UInt64':
      for (let i = 0; i < n; i++) {
        const v = values[i];
        const n = typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : v;
        if ((typeof n !== 'bigint' && typeof n !== 'number') || n < 0) bad(i, `not a UInt64: ${v}`);
        w.uint64(n as number | bigint);
      }
      return;
    case 'Map(String, String)': {
      // Offsets (cumulative entry counts), then all keys, then all values.
      const maps = values.map((v) => (v ?? {}) as Record<string, unknown>);
      const keys = maps.map((m) => Object.keys(m));
      let total = 0;
      for (const k of keys) {
        total += k.length;
        w.uint64(total);
      }
      for (const k of keys) for (const key of k) w.string(key);
      maps.forEach((m, i) => {
        for (const key of keys[i]!) {
          const v = m[key];
          if (typeof v !== 'string') bad(i, `map value ${JSON.stringify(key)} is not a string`);
          w.string(v as string);
        }
      });
      return;
    }
  }
}
