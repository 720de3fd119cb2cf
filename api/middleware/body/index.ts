/**
 * JSON body middleware: content type, content encoding, size limit, UTF-8 and JSON, each
 * with its own 4xx answer, and the parsed value in `c.var.body`.
 *
 * The size limit applies to the DECOMPRESSED bytes, counted while streaming through zlib:
 * a 100 KiB gzip bomb that would inflate to 100 MiB is refused after ~maxBytes of output,
 * never inflated into memory (unlike hono's `bodyLimit`, which counts wire bytes only).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import type { ApiBindings, ApiEnv } from '../../env.js';
import { ApiError } from '../../errors.js';
import { findJsonSyntaxError } from '../../json-syntax-error.js';
import { mayHoldLoneSurrogates, repairLoneSurrogates } from '../../../lib/well-formed-text.js';

/** Options of {@link jsonBody}. */
export interface JsonBodyOptions {
  /** Max body bytes after decompression (compressed bodies are held to it as well). */
  maxBytes: number;
}

/** `application/json`, and `text/plain` because that is what `navigator.sendBeacon(url, string)` sends. */
const MEDIA_TYPES = new Set(['application/json', 'text/plain']);
const UTF8 = new Set(['utf-8', 'utf8']);
// fatal: invalid UTF-8 is a client error to report, not something to paper over with U+FFFD.
// A leading BOM is stripped (ignoreBOM defaults to false).
const decoder = new TextDecoder('utf-8', { fatal: true });

class TooLarge extends Error {
  constructor(readonly what: 'body' | 'compressed body' | 'decompressed body') {
    super(what);
  }
}

/**
 * Reads the request body and sets `c.var.body` to the parsed JSON. Answers:
 * 415 `unsupported_media_type` / `unsupported_encoding`, 413 `body_too_large`,
 * 400 `invalid_gzip`, `invalid_utf8`, `empty_body`, `malformed_json` (with line, column
 * and position). Lone surrogate escapes in strings and keys become U+FFFD.
 */
export function jsonBody({ maxBytes }: JsonBodyOptions): MiddlewareHandler<ApiEnv> {
  return async function jsonBody(c, next) {
    const mediaType = checkContentType(c.req.header('Content-Type'));
    const gzip = isGzip(c.req.header('Content-Encoding'));

    const declared = Number(c.req.header('Content-Length'));
    if (declared > maxBytes) throw tooLarge(gzip ? 'compressed body' : 'body', maxBytes);

    let bytes: Buffer;
    // The Node request itself when there is one: reading it directly skips the web stream
    // and Request objects @hono/node-server would build for `c.req.raw.body` (~10 % of the
    // API's CPU at SDK-sized requests). Tests without a server get the web body.
    const incoming = (c.env as ApiBindings | undefined)?.incoming;
    try {
      if (!gzip && incoming instanceof Readable) bytes = await readNode(incoming, maxBytes);
      else {
        const body = c.req.raw.body;
        if (body === null) bytes = Buffer.alloc(0);
        else bytes = gzip ? await readGzip(body, maxBytes) : await readPlain(body, maxBytes);
      }
    } catch (err) {
      if (err instanceof TooLarge) throw tooLarge(err.what, maxBytes);
      if (gzip) throw new ApiError(400, 'invalid_gzip', `body is not valid gzip: ${describe(err)}`, { cause: err });
      throw new ApiError(400, 'unreadable_body', `the request body could not be read: ${describe(err)}`, {
        cause: err,
      });
    }
    if (!gzip && mediaType === 'text/plain' && isGzipData(bytes)) bytes = await gunzipSniffed(bytes, maxBytes);

    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      const at = firstInvalidUtf8Byte(bytes);
      throw new ApiError(400, 'invalid_utf8', `body is not valid UTF-8 (decoding fails at byte offset ${at})`, {
        details: { position: at },
      });
    }
    if (text.trim() === '') throw new ApiError(400, 'empty_body', 'body is empty: send a JSON array of events');

    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      const where = findJsonSyntaxError(text);
      const position = where ? { line: where.line, column: where.column, position: where.position } : {};
      const message = where
        ? `malformed JSON at line ${where.line} column ${where.column} (position ${where.position}): ${where.message}`
        : 'malformed JSON';
      throw new ApiError(400, 'malformed_json', message, { details: position });
    }
    // Valid JSON may still escape half a surrogate pair ("\ud800"), which no UTF-8 store
    // can hold: replaced with U+FFFD here, so what is accepted can always be loaded.
    if (mayHoldLoneSurrogates(text)) parsed = repairLoneSurrogates(parsed).value;
    c.set('body', parsed);
    await next();
  };
}

/** Returns the media type, lower-cased. */
function checkContentType(header: string | undefined): string {
  const [type = '', ...params] = (header ?? '').split(';');
  const mediaType = type.trim().toLowerCase();
  if (!MEDIA_TYPES.has(mediaType)) {
    const got = header === undefined ? 'none' : JSON.stringify(header.slice(0, 100));
    throw new ApiError(
      415,
      'unsupported_media_type',
      `Content-Type must be application/json or text/plain, got ${got}`,
    );
  }
  for (const param of params) {
    const [name = '', value = ''] = param.split('=');
    const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
    if (name.trim().toLowerCase() === 'charset' && !UTF8.has(charset)) {
      throw new ApiError(
        415,
        'unsupported_media_type',
        `charset must be utf-8, got ${JSON.stringify(charset.slice(0, 40))}`,
      );
    }
  }
  return mediaType;
}

/**
 * The gzip magic bytes. `navigator.sendBeacon` and CORS-simple fetches cannot set
 * `Content-Encoding`, so a browser that gzips its batch (CompressionStream) says so only in
 * the body. JSON text can never start with 0x1f, so the sniff cannot misread a JSON body.
 */
function isGzipData(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const inflate = promisify(gunzip);

/** Inflates a body already held in memory (it was within maxBytes), to at most maxBytes. */
async function gunzipSniffed(bytes: Buffer, maxBytes: number): Promise<Buffer> {
  try {
    return await inflate(bytes, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('decompressed body', maxBytes);
    throw new ApiError(400, 'invalid_gzip', `body starts like gzip but is not valid gzip: ${describe(err)}`, {
      cause: err,
    });
  }
}

function isGzip(header: string | undefined): boolean {
  const coding = (header ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return false;
  if (coding === 'gzip' || coding === 'x-gzip') return true;
  throw new ApiError(
    415,
    'unsupported_encoding',
    `Content-Encoding ${JSON.stringify(coding.slice(0, 40))} is not supported: send gzip or no encoding`,
  );
}

function tooLarge(what: TooLarge['what'], maxBytes: number): ApiError {
  return new ApiError(413, 'body_too_large', `${what} is larger than the limit of ${maxBytes} bytes`);
}

async function readPlain(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Stop reading: the rest of an oversized body is never buffered.
      reader.cancel().catch(() => undefined);
      throw new TooLarge('body');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The body of a Node request, at most `maxBytes`. Past the limit it stops listening and
 * pauses the request: the 413 goes out, and the server drains or closes what is left.
 */
function readNode(incoming: Readable, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: unknown) => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', finish);
      incoming.off('close', onClose);
      if (error === undefined) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        incoming.pause();
        finish(new TooLarge('body'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onClose = () => {
      if (!incoming.readableEnded) finish(new Error('the connection closed before the body was complete'));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', finish);
    incoming.on('close', onClose);
  });
}

async function readGzip(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let compressed = 0;
  let inflated = 0;
  // pipeline() propagates backpressure: zlib only inflates as fast as `collect` consumes,
  // and throwing in any stage destroys all of them (cancelling the request body too).
  await pipeline(
    Readable.fromWeb(body as NodeReadableStream<Uint8Array>),
    async function* countCompressed(source: AsyncIterable<Uint8Array>) {
      for await (const chunk of source) {
        compressed += chunk.byteLength;
        if (compressed > maxBytes) throw new TooLarge('compressed body');
        yield chunk;
      }
    },
    createGunzip(),
    async function collect(source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        inflated += chunk.byteLength;
        if (inflated > maxBytes) throw new TooLarge('decompressed body');
        chunks.push(chunk);
      }
    },
  );
  return Buffer.concat(chunks, inflated);
}

/**
 * Offset of the byte at which decoding `bytes` as UTF-8 fails (only called once it did).
 * Binary search on prefixes: a streaming decode accepts a prefix that ends in the middle of
 * a character, so a prefix decodes exactly when the failing byte lies beyond it.
 */
function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let good = 0; // a prefix of this length decodes
  let bad = bytes.length; // ... and of this length does not
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      good = mid;
    } catch {
      bad = mid;
    }
  }
  return bad - 1;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
