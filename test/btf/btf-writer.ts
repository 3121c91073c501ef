// A tiny BTF writer for tests: builds raw BTF blobs type by type, in either byte order.

import { BTF_KIND, type BtfKind } from '../../src/btf/btf-parse.ts';

export interface BuildOptions {
  littleEndian?: boolean;
  /** Header length to write (>= 24; extra bytes are zero). */
  hdrLen?: number;
  /** Whether to start the string section with the mandatory NUL (split BTF may omit it). */
  leadingNul?: boolean;
}

export class BtfWriter {
  private readonly strs: string[] = [];
  private readonly strOffsets = new Map<string, number>();
  private strLen: number;
  private readonly words: number[] = [];
  private nextId: number;
  private readonly strBase: number;

  /** For split BTF: the first id and the base's string section length. */
  constructor(firstId = 1, strBase = 0) {
    this.nextId = firstId;
    this.strBase = strBase;
    this.strLen = strBase === 0 ? 1 : 0;
    // '' is offset 0: this section's leading NUL, or the base's for split BTF.
    this.strOffsets.set('', 0);
  }

  /** Offset of a string (added on first use); '' is 0. */
  str(s: string): number {
    const hit = this.strOffsets.get(s);
    if (hit !== undefined) return hit;
    const off = this.strBase + this.strLen;
    this.strs.push(s);
    this.strOffsets.set(s, off);
    this.strLen += new TextEncoder().encode(s).length + 1;
    return off;
  }

  /** Appends a raw type record; returns its id. */
  raw(kind: number, name: string | number, vlen: number, kflag: boolean, sizeOrType: number, extra: number[] = []): number {
    const nameOff = typeof name === 'number' ? name : this.str(name);
    const info = ((kflag ? 1 : 0) << 31) | ((kind & 0x1f) << 24) | (vlen & 0xffff);
    this.words.push(nameOff, info >>> 0, sizeOrType, ...extra);
    return this.nextId++;
  }

  private add(kind: BtfKind, name: string, vlen: number, kflag: boolean, sizeOrType: number, extra: number[] = []): number {
    return this.raw(BTF_KIND[kind], name, vlen, kflag, sizeOrType, extra);
  }

  int(name: string, size: number, opts: { signed?: boolean; char?: boolean; bool?: boolean; bits?: number; offset?: number } = {}): number {
    const enc = (opts.signed ? 1 : 0) | (opts.char ? 2 : 0) | (opts.bool ? 4 : 0);
    const bits = opts.bits ?? size * 8;
    return this.add('int', name, 0, false, size, [((enc << 24) | ((opts.offset ?? 0) << 16) | bits) >>> 0]);
  }
  ptr(type: number): number {
    return this.add('ptr', '', 0, false, type);
  }
  array(elem: number, index: number, nelems: number): number {
    return this.add('array', '', 0, false, 0, [elem, index, nelems]);
  }
  /** Members: bitOffset, and bitfieldSize (requires kflag). */
  composite(
    kind: 'struct' | 'union',
    name: string,
    size: number,
    members: { name: string; type: number; bitOffset: number; bitfieldSize?: number }[],
    kflag = false,
  ): number {
    const extra = members.flatMap((m) => [
      this.str(m.name),
      m.type,
      kflag ? (((m.bitfieldSize ?? 0) << 24) | m.bitOffset) >>> 0 : m.bitOffset,
    ]);
    return this.add(kind, name, members.length, kflag, size, extra);
  }
  struct(name: string, size: number, members: { name: string; type: number; bitOffset: number; bitfieldSize?: number }[], kflag = false): number {
    return this.composite('struct', name, size, members, kflag);
  }
  enum(name: string, size: number, values: [string, number][], signed = false): number {
    return this.add('enum', name, values.length, signed, size, values.flatMap(([n, v]) => [this.str(n), v >>> 0]));
  }
  enum64(name: string, size: number, values: [string, bigint][], signed = false): number {
    const extra = values.flatMap(([n, v]) => {
      const u = BigInt.asUintN(64, v);
      return [this.str(n), Number(u & 0xffffffffn), Number(u >> 32n)];
    });
    return this.add('enum64', name, values.length, signed, size, extra);
  }
  fwd(name: string, union = false): number {
    return this.add('fwd', name, 0, union, 0);
  }
  modifier(kind: 'typedef' | 'volatile' | 'const' | 'restrict', name: string, type: number): number {
    return this.add(kind, name, 0, false, type);
  }
  func(name: string, proto: number, linkage = 1): number {
    return this.add('func', name, linkage, false, proto);
  }
  funcProto(ret: number, params: { name: string; type: number }[], variadic = false): number {
    const ps = [...params.flatMap((p) => [this.str(p.name), p.type]), ...(variadic ? [0, 0] : [])];
    return this.add('func_proto', '', params.length + (variadic ? 1 : 0), false, ret, ps);
  }
  var(name: string, type: number, linkage = 1): number {
    return this.add('var', name, 0, false, type, [linkage]);
  }
  datasec(name: string, size: number, vars: { type: number; offset: number; size: number }[]): number {
    return this.add('datasec', name, vars.length, false, size, vars.flatMap((v) => [v.type, v.offset, v.size]));
  }
  float(name: string, size: number): number {
    return this.add('float', name, 0, false, size);
  }
  declTag(value: string, target: number, componentIdx = -1, attribute = false): number {
    return this.add('decl_tag', value, 0, attribute, target, [componentIdx >>> 0]);
  }
  typeTag(value: string, type: number, attribute = false): number {
    return this.add('type_tag', value, 0, attribute, type);
  }

  build(opts: BuildOptions = {}): Uint8Array {
    const le = opts.littleEndian ?? true;
    const hdrLen = opts.hdrLen ?? 24;
    const strBytes: number[] = this.strBase === 0 && (opts.leadingNul ?? true) ? [0] : [];
    for (const s of this.strs) strBytes.push(...new TextEncoder().encode(s), 0);
    const typeLen = this.words.length * 4;
    const out = new Uint8Array(hdrLen + typeLen + strBytes.length);
    const v = new DataView(out.buffer);
    v.setUint16(0, 0xeb9f, le);
    v.setUint8(2, 1);
    v.setUint8(3, 0);
    v.setUint32(4, hdrLen, le);
    v.setUint32(8, 0, le);
    v.setUint32(12, typeLen, le);
    v.setUint32(16, typeLen, le);
    v.setUint32(20, strBytes.length, le);
    this.words.forEach((w, i) => v.setUint32(hdrLen + i * 4, w >>> 0, le));
    out.set(strBytes, hdrLen + typeLen);
    return out;
  }
}
