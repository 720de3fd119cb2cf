/**
 * The browser SDK as the API serves it at `GET /sdk.js`: built from `sdk/src` with esbuild
 * when the API starts (esbuild is already what runs this TypeScript through tsx, so
 * wherever the API runs, it can build), minified, with its gzip form and an ETag made once.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const SDK_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../sdk');

/** `iife`: the script tag's `/sdk.js` (sets `window.clickstream`); `esm`: the package's `init()`. */
export type SdkFormat = 'iife' | 'esm';

/** The served script, ready to answer with. */
export interface SdkScript {
  body: Buffer;
  gzip: Buffer;
  /** A strong ETag over the body: `"<16 hex>"`. */
  etag: string;
}

/**
 * Bundles and minifies the SDK. The same options as `sdk/package.json`'s build, so what the
 * size gate measures is what sites get.
 *
 * @throws when the SDK source does not build (the message names the file and line)
 */
export async function bundleSdk(format: SdkFormat): Promise<string> {
  const result = await build({
    entryPoints: [path.join(SDK_DIR, 'src', format === 'iife' ? 'global.ts' : 'index.ts')],
    tsconfig: path.join(SDK_DIR, 'tsconfig.json'),
    bundle: true,
    minify: true,
    format,
    target: 'es2021',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Builds `/sdk.js` once: minified IIFE, gzip (level 9) and ETag. */
export async function buildSdkScript(): Promise<SdkScript> {
  const body = Buffer.from(await bundleSdk('iife'));
  return {
    body,
    gzip: gzipSync(body, { level: 9 }),
    etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`,
  };
}
