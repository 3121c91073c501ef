// A BTF encoder: the inverse of btf-parse.ts. The kernel back end uses it to hand the kernel
// program BTF the way clang would have emitted it (types, FUNCs, VAR/DATASEC, tags), so map
// creation and BPF_PROG_LOAD see the same BTF a libbpf-loaded object would bring.
//
// Types are records in an array and are serialised only by build(), so an id can be reserved
// before its record is known: recursive structs (struct node { struct node *next; }) need their
// own id while their members are still being emitted.

import { BTF_KIND, BTF_MAGIC, BTF_VERSION, type BtfKind, type BtfLinkage } from './btf-parse.ts';

export interface WriteMember {
  name: string;
  type: number;
  /** Bit offset from the start of the aggregate. */
  bitOffset: number;
  /** Bitfield width; any non-zero width makes the aggregate use the kflag encoding. */
  bitfieldSize?: number;
}

interface RawRecord {
  kind: BtfKind;
  nameOff: number;
  vlen: number;
  kflag: boolean;
  sizeOrType: number;
  extra: number[];
}

const LINKAGE: Record<BtfLinkage, number> = { static: 0, global: 1, extern: 2 };

export class BtfBuilder {
  private readonly strBytes: number[] = [0];
  private readonly strOffsets = new Map<string, number>([['', 0]]);
  private readonly records: (RawRecord | null)[] = [];

  /** Offset of `s` in the string section, added once: equal strings share one offset. */
  str(s: string): number {
    const hit = this.strOffsets.get(s);
    if (hit !== undefined) return hit;
    const off = this.strBytes.length;
    this.strBytes.push(...new TextEncoder().encode(s), 0);
    this.strOffsets.set(s, off);
    return off;
  }

  /** Number of types so far (ids are 1..count). */
  get count(): number {
    return this.records.length;
  }

  /** An id whose record is supplied later with set(); build() refuses unset ids. */
  reserve(): number {
    this.records.push(null);
    return this.records.length;
  }

  private put(id: number | undefined, kind: BtfKind, name: string, vlen: number, kflag: boolean, sizeOrType: number, extra: number[] = []): number {
    if (vlen > 0xffff) throw new Error(`BTF ${kind} '${name}': ${vlen} entries, more than BTF's 65535`);
    const rec: RawRecord = { kind, nameOff: this.str(name), vlen, kflag, sizeOrType: sizeOrType >>> 0, extra: extra.map((w) => w >>> 0) };
    if (id === undefined) {
      this.records.push(rec);
      return this.records.length;
    }
    if (id < 1 || id > this.records.length || this.records[id - 1] !== null) throw new Error(`BTF id ${id} was not reserved or is already set`);
    this.records[id - 1] = rec;
    return id;
  }

  int(name: string, size: number, opts: { signed?: boolean; char?: boolean; bool?: boolean; bits?: number; offset?: number } = {}, id?: number): number {
    const enc = (opts.signed === true ? 1 : 0) | (opts.char === true ? 2 : 0) | (opts.bool === true ? 4 : 0);
    const bits = opts.bits ?? size * 8;
    return this.put(id, 'int', name, 0, false, size, [(enc << 24) | ((opts.offset ?? 0) << 16) | bits]);
  }

  ptr(type: number, id?: number): number {
    return this.put(id, 'ptr', '', 0, false, type);
  }

  array(elem: number, index: number, nelems: number, id?: number): number {
    return this.put(id, 'array', '', 0, false, 0, [elem, index, nelems]);
  }

  composite(kind: 'struct' | 'union', name: string, size: number, members: WriteMember[], id?: number): number {
    const kflag = members.some((m) => (m.bitfieldSize ?? 0) !== 0);
    const extra = members.flatMap((m) => [this.str(m.name), m.type, kflag ? ((m.bitfieldSize ?? 0) << 24) | m.bitOffset : m.bitOffset]);
    return this.put(id, kind, name, members.length, kflag, size, extra);
  }

  struct(name: string, size: number, members: WriteMember[], id?: number): number {
    return this.composite('struct', name, size, members, id);
  }

  union(name: string, size: number, members: WriteMember[], id?: number): number {
    return this.composite('union', name, size, members, id);
  }

  /** ENUM (32-bit values); use enum64 for values that do not fit. */
  enum(name: string, size: number, values: { name: string; value: bigint }[], signed = false, id?: number): number {
    const extra = values.flatMap((v) => [this.str(v.name), Number(BigInt.asUintN(32, v.value))]);
    return this.put(id, 'enum', name, values.length, signed, size, extra);
  }

  enum64(name: string, size: number, values: { name: string; value: bigint }[], signed = false, id?: number): number {
    const extra = values.flatMap((v) => {
      const u = BigInt.asUintN(64, v.value);
      return [this.str(v.name), Number(u & 0xffffffffn), Number(u >> 32n)];
    });
    return this.put(id, 'enum64', name, values.length, signed, size, extra);
  }

  fwd(name: string, kind: 'struct' | 'union' = 'struct', id?: number): number {
    return this.put(id, 'fwd', name, 0, kind === 'union', 0);
  }

  modifier(kind: 'typedef' | 'volatile' | 'const' | 'restrict', name: string, type: number, id?: number): number {
    return this.put(id, kind, kind === 'typedef' ? name : '', 0, false, type);
  }

  typedef(name: string, type: number, id?: number): number {
    return this.modifier('typedef', name, type, id);
  }

  func(name: string, proto: number, linkage: BtfLinkage = 'global', id?: number): number {
    return this.put(id, 'func', name, LINKAGE[linkage], false, proto);
  }

  funcProto(ret: number, params: { name: string; type: number }[], variadic = false, id?: number): number {
    const extra = [...params.flatMap((p) => [this.str(p.name), p.type]), ...(variadic ? [0, 0] : [])];
    return this.put(id, 'func_proto', '', params.length + (variadic ? 1 : 0), false, ret, extra);
  }

  var(name: string, type: number, linkage: BtfLinkage = 'global', id?: number): number {
    return this.put(id, 'var', name, 0, false, type, [LINKAGE[linkage]]);
  }

  datasec(name: string, size: number, vars: { type: number; offset: number; size: number }[], id?: number): number {
    return this.put(id, 'datasec', name, vars.length, false, size, vars.flatMap((v) => [v.type, v.offset, v.size]));
  }

  float(name: string, size: number, id?: number): number {
    return this.put(id, 'float', name, 0, false, size);
  }

  /** componentIdx -1 tags the type itself, else a member or parameter index. */
  declTag(value: string, target: number, componentIdx = -1, attribute = false, id?: number): number {
    return this.put(id, 'decl_tag', value, 0, attribute, target, [componentIdx]);
  }

  typeTag(value: string, type: number, attribute = false, id?: number): number {
    return this.put(id, 'type_tag', value, 0, attribute, type);
  }

  /** Header, type section, string section; little-endian (the byte order of every BPF target we load on). */
  build(): Uint8Array {
    const words: number[] = [];
    this.records.forEach((r, i) => {
      if (r === null) throw new Error(`BTF id ${i + 1} was reserved but never set`);
      const info = ((r.kflag ? 1 : 0) << 31) | (BTF_KIND[r.kind] << 24) | r.vlen;
      words.push(r.nameOff, info >>> 0, r.sizeOrType, ...r.extra);
    });
    const hdrLen = 24;
    const typeLen = words.length * 4;
    const out = new Uint8Array(hdrLen + typeLen + this.strBytes.length);
    const v = new DataView(out.buffer);
    v.setUint16(0, BTF_MAGIC, true);
    v.setUint8(2, BTF_VERSION);
    v.setUint8(3, 0);
    v.setUint32(4, hdrLen, true);
    v.setUint32(8, 0, true);
    v.setUint32(12, typeLen, true);
    v.setUint32(16, typeLen, true);
    v.setUint32(20, this.strBytes.length, true);
    words.forEach((w, i) => v.setUint32(hdrLen + i * 4, w, true));
    out.set(this.strBytes, hdrLen + typeLen);
    return out;
  }
}
