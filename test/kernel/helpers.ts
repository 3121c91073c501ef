// Test helpers for the kernel back end: a tiny struct bpf_insn encoder and a minimal reader of
// the running kernel's BTF (/sys/kernel/btf/vmlinux) for type ids and enum values.

import { existsSync, readFileSync, readdirSync } from 'node:fs';

/** One slot: [code, dst, src, off, imm]. */
export type Slot = [code: number, dst: number, src: number, off: number, imm: number];

/** Encode slots as little-endian struct bpf_insn (dst in the low nibble of byte 1). */
export function encode(slots: Slot[]): Uint8Array {
  const out = new Uint8Array(slots.length * 8);
  const dv = new DataView(out.buffer);
  slots.forEach(([code, dst, src, off, imm], i) => {
    out[i * 8] = code;
    out[i * 8 + 1] = ((src & 0xf) << 4) | (dst & 0xf);
    dv.setInt16(i * 8 + 2, off, true);
    dv.setInt32(i * 8 + 4, imm, true);
  });
  return out;
}

export const mov64i = (dst: number, imm: number): Slot => [0xb7, dst, 0, 0, imm];
export const mov64r = (dst: number, src: number): Slot => [0xbf, dst, src, 0, 0];
export const add64i = (dst: number, imm: number): Slot => [0x07, dst, 0, 0, imm];
export const ldxdw = (dst: number, src: number, off: number): Slot => [0x79, dst, src, off, 0];
export const ldxw = (dst: number, src: number, off: number): Slot => [0x61, dst, src, off, 0];
export const stxdw = (dst: number, off: number, src: number): Slot => [0x7b, dst, src, off, 0];
export const stw = (dst: number, off: number, imm: number): Slot => [0x62, dst, 0, off, imm];
export const ja = (off: number): Slot => [0x05, 0, 0, off, 0];
export const jlti = (dst: number, imm: number, off: number): Slot => [0xa5, dst, 0, off, imm];
export const jeqi = (dst: number, imm: number, off: number): Slot => [0x15, dst, 0, off, imm];
export const callHelper = (id: number): Slot => [0x85, 0, 0, 0, id];
export const exit = (): Slot => [0x95, 0, 0, 0, 0];
/** ld_imm64 dst = pseudo(src) imm/imm2: two slots. */
export const ldImm64 = (dst: number, src: number, imm: number, imm2: number): Slot[] => [
  [0x18, dst, src, 0, imm],
  [0, 0, 0, 0, imm2],
];

const BTF_PATH = '/sys/kernel/btf/vmlinux';

interface BtfIndex {
  /** name -> kind -> first type id */
  byName: Map<string, Map<number, number>>;
  /** enum name -> member -> value */
  enums: Map<string, Map<string, number>>;
}

let btfIndex: BtfIndex | null | undefined;

/** Minimal index of vmlinux BTF (null when the kernel exposes none). */
export function vmlinuxBtf(): BtfIndex | null {
  if (btfIndex !== undefined) return btfIndex;
  if (!existsSync(BTF_PATH)) return (btfIndex = null);
  const b = readFileSync(BTF_PATH);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const hdrLen = dv.getUint32(4, true);
  const typeStart = hdrLen + dv.getUint32(8, true);
  const typeEnd = typeStart + dv.getUint32(12, true);
  const strStart = hdrLen + dv.getUint32(16, true);
  const str = (off: number): string => {
    let e = strStart + off;
    while (b[e] !== 0) e++;
    return b.toString('latin1', strStart + off, e);
  };
  const byName = new Map<string, Map<number, number>>();
  const enums = new Map<string, Map<string, number>>();
  let p = typeStart;
  let id = 1;
  while (p < typeEnd) {
    const nameOff = dv.getUint32(p, true);
    const info = dv.getUint32(p + 4, true);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    const name = str(nameOff);
    p += 12;
    if (name !== '') {
      let kinds = byName.get(name);
      if (kinds === undefined) byName.set(name, (kinds = new Map<number, number>()));
      if (!kinds.has(kind)) kinds.set(kind, id);
    }
    switch (kind) {
      case 1: // INT
      case 14: // VAR
      case 17: // DECL_TAG
        p += 4;
        break;
      case 3: // ARRAY
        p += 12;
        break;
      case 4: // STRUCT
      case 5: // UNION
      case 15: // DATASEC
      case 19: // ENUM64
        p += 12 * vlen;
        break;
      case 6: {
        // ENUM
        const members = new Map<string, number>();
        for (let i = 0; i < vlen; i++) members.set(str(dv.getUint32(p + 8 * i, true)), dv.getInt32(p + 8 * i + 4, true));
        if (name !== '') enums.set(name, members);
        p += 8 * vlen;
        break;
      }
      case 13: // FUNC_PROTO
        p += 8 * vlen;
        break;
      default:
        break;
    }
    id++;
  }
  return (btfIndex = { byName, enums });
}

export const BTF_KIND_TYPEDEF = 8;
export const BTF_KIND_FUNC = 12;

/** Type id of `name` with BTF kind `kind` in vmlinux BTF, or null. */
export function vmlinuxTypeId(name: string, kind: number): number | null {
  return vmlinuxBtf()?.byName.get(name)?.get(kind) ?? null;
}

/** Number of open fds of this process (to check that nothing leaks). */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Minimal program BTF: [1] int, [2] int(void) proto, [3] FUNC `main`; strings for line info. */
export function tinyProgramBtf(): { btf: Uint8Array; mainFuncId: number; fileNameOff: number; lineOff: number } {
  const strings = '\0int\0main\0prog.c\0r0 = 0;\0';
  const strBytes = new TextEncoder().encode(strings);
  const off = (s: string): number => strings.indexOf(`\0${s}\0`) + 1;
  const types = new Uint8Array(16 + 12 + 12);
  const t = new DataView(types.buffer);
  // [1] INT 'int' size 4, signed, 32 bits
  t.setUint32(0, off('int'), true);
  t.setUint32(4, 1 << 24, true);
  t.setUint32(8, 4, true);
  t.setUint32(12, (1 << 24) | 32, true);
  // [2] FUNC_PROTO returning [1], no params
  t.setUint32(16, 0, true);
  t.setUint32(20, 13 << 24, true);
  t.setUint32(24, 1, true);
  // [3] FUNC 'main' of [2], global linkage
  t.setUint32(28, off('main'), true);
  t.setUint32(32, (12 << 24) | 1, true);
  t.setUint32(36, 2, true);
  const hdr = new Uint8Array(24);
  const h = new DataView(hdr.buffer);
  h.setUint16(0, 0xeb9f, true);
  hdr[2] = 1; // version
  hdr[3] = 0; // flags
  h.setUint32(4, 24, true); // hdr_len
  h.setUint32(8, 0, true); // type_off
  h.setUint32(12, types.length, true); // type_len
  h.setUint32(16, types.length, true); // str_off
  h.setUint32(20, strBytes.length, true); // str_len
  const btf = new Uint8Array(hdr.length + types.length + strBytes.length);
  btf.set(hdr, 0);
  btf.set(types, hdr.length);
  btf.set(strBytes, hdr.length + types.length);
  return { btf, mainFuncId: 3, fileNameOff: off('prog.c'), lineOff: off('r0 = 0;') };
}
