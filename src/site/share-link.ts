// Share links for the playground: a program's text travels in the URL fragment, never to a server.
//
// Format (version 1): `#v1=<payload>` where payload is the base64url alphabet (RFC 4648 §5, no
// padding) of the raw DEFLATE stream (RFC 1951) of the program's UTF-8 bytes. The same module runs
// at build time in Node (to make "open in playground" links for every example) and in the browser
// (to restore a program from the link), so it uses fflate, which is synchronous and identical in both.
//
// A decoded program is data: callers show it in a text editor, never as HTML.

import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';

/** Fragment key of the current format. */
export const SHARE_VERSION = 'v1';

/** Longest program text a link may carry after decoding (a guard against decompression bombs). */
export const MAX_SHARED_PROGRAM_BYTES = 256 * 1024;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE: ReadonlyMap<string, number> = new Map([...ALPHABET].map((c, i) => [c, i]));

function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    const n = (b0 << 16) | (b1 << 8) | b2;
    const chars = i + 1 >= bytes.length ? 2 : i + 2 >= bytes.length ? 3 : 4;
    for (let k = 0; k < chars; k++) out += ALPHABET[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

function fromBase64Url(text: string): Uint8Array {
  if (text.length % 4 === 1) throw new ShareLinkError('share link payload has an impossible length');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const c of text) {
    const v = DECODE.get(c);
    if (v === undefined) throw new ShareLinkError(`share link payload has a character outside base64url: ${JSON.stringify(c)}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

/** A link payload that cannot be decoded; the message says why. */
export class ShareLinkError extends Error {
  override name = 'ShareLinkError';
}

/** The fragment (without '#') that carries `program`. */
export function encodeProgram(program: string): string {
  return `${SHARE_VERSION}=${toBase64Url(deflateSync(strToU8(program), { level: 9 }))}`;
}

/**
 * The program carried by a fragment (with or without the leading '#'); null when the fragment
 * carries no program at all. Throws ShareLinkError for a damaged or oversized payload.
 */
export function decodeProgram(fragment: string): string | null {
  const f = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  const prefix = `${SHARE_VERSION}=`;
  if (!f.startsWith(prefix)) return null;
  const packed = fromBase64Url(f.slice(prefix.length));
  let bytes: Uint8Array;
  try {
    bytes = inflateSync(packed);
  } catch (err) {
    throw new ShareLinkError(`share link payload is not a valid DEFLATE stream: ${(err as Error).message}`);
  }
  if (bytes.length > MAX_SHARED_PROGRAM_BYTES) {
    throw new ShareLinkError(`shared program is ${bytes.length} bytes, more than the ${MAX_SHARED_PROGRAM_BYTES} a link may carry`);
  }
  return strFromU8(bytes);
}

/** Site-relative URL of the playground with `program` loaded (base: the site's base path, '' or '/x'). */
export function playgroundHref(program: string, base = ''): string {
  return `${base.replace(/\/$/, '')}/playground/#${encodeProgram(program)}`;
}
