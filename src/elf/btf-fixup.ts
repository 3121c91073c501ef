// What libbpf does to an object's .BTF before BPF_BTF_LOAD (bpf_object__collect_externs and
// btf_fixup_datasec in libbpf.c), on the raw bytes so type ids and string offsets stay the ones
// clang wrote (.BTF.ext, func info and CO-RE relocations refer to them):
// - DATASEC sizes come from the ELF section sizes and VAR offsets from the ELF symbols (clang
//   leaves both zero); hidden globals become static VARs; VARs are sorted by offset.
// - .ksyms: extern VARs become 4-byte global-allocated int VARs, extern FUNCs become global FUNCs
//   whose DATASEC entry points to a `dummy_ksym` int VAR (appended); unnamed parameters of those
//   FUNC_PROTOs borrow the dummy's name, since the kernel insists on named parameters.
import { BTF_KIND } from '../btf/btf-parse.ts';
import type { ElfFile } from './elf.ts';
import { ElfError, SHN_LORESERVE, STT_SECTION } from './elf.ts';

interface Rec {
  id: number;
  /** Byte offset of the btf_type inside the type section. */
  off: number;
  kind: number;
  vlen: number;
  nameOff: number;
}

const STV_INTERNAL = 1;
const STV_HIDDEN = 2;
const VAR_STATIC = 0;
const VAR_GLOBAL_ALLOCATED = 1;
const FUNC_GLOBAL = 1;

function recordSize(kind: number, vlen: number): number {
  switch (kind) {
    case BTF_KIND.int: case BTF_KIND.var: case BTF_KIND.decl_tag: return 4;
    case BTF_KIND.array: return 12;
    case BTF_KIND.struct: case BTF_KIND.union: case BTF_KIND.datasec: case BTF_KIND.enum64: return 12 * vlen;
    case BTF_KIND.enum: case BTF_KIND.func_proto: return 8 * vlen;
    case BTF_KIND.ptr: case BTF_KIND.fwd: case BTF_KIND.typedef: case BTF_KIND.volatile: case BTF_KIND.const:
    case BTF_KIND.restrict: case BTF_KIND.func: case BTF_KIND.float: case BTF_KIND.type_tag: return 0;
    default: throw new ElfError(`.BTF has a type of unknown kind ${kind}`);
  }
}

/** Returns libbpf's sanitised copy of `raw` (a .BTF section). */
export function sanitizeBtf(raw: Uint8Array, elf: ElfFile): Uint8Array {
  const src = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const hdrLen = src.getUint32(4, true);
  const typeOff = src.getUint32(8, true);
  const typeLen = src.getUint32(12, true);
  const strOff = src.getUint32(16, true);
  const strLen = src.getUint32(20, true);
  // copies (a Node Buffer's slice() would share memory with the file)
  const types = new Uint8Array(raw.subarray(hdrLen + typeOff, hdrLen + typeOff + typeLen));
  let strings = new Uint8Array(raw.subarray(hdrLen + strOff, hdrLen + strOff + strLen));
  const dv = new DataView(types.buffer);
  const recs: Rec[] = [{ id: 0, off: -1, kind: 0, vlen: 0, nameOff: 0 }];
  for (let o = 0; o < typeLen;) {
    const info = dv.getUint32(o + 4, true);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    recs.push({ id: recs.length, off: o, kind, vlen, nameOff: dv.getUint32(o, true) });
    o += 12 + recordSize(kind, vlen);
  }
  const str = (off: number): string => {
    let e = off;
    while (e < strings.length && strings[e] !== 0) e++;
    return new TextDecoder().decode(strings.subarray(off, e));
  };
  const extra: Uint8Array[] = [];
  let nextId = recs.length;
  const addString = (s: string): number => {
    const off = strings.length;
    const b = new TextEncoder().encode(s + '\0');
    const n = new Uint8Array(strings.length + b.length);
    n.set(strings);
    n.set(b, off);
    strings = n;
    return off;
  };
  const addType = (nameOff: number, info: number, sizeOrType: number, tail: number[]): number => {
    const b = new Uint8Array(12 + 4 * tail.length);
    const d = new DataView(b.buffer);
    d.setUint32(0, nameOff, true);
    d.setUint32(4, info, true);
    d.setUint32(8, sizeOrType, true);
    tail.forEach((v, i) => d.setUint32(12 + 4 * i, v, true));
    extra.push(b);
    return nextId++;
  };
  const intId = (): number => {
    const r = recs.find((t) => t.kind === BTF_KIND.int && dv.getUint32(t.off + 8, true) === 4 && (dv.getUint32(t.off + 12, true) & 0xff) === 32);
    return r ? r.id : addType(addString('int'), BTF_KIND.int << 24, 4, [(1 << 24) | 32]);
  };

  for (const sec of recs) {
    if (sec.kind !== BTF_KIND.datasec) continue;
    const name = str(sec.nameOff);
    const vars = (i: number): number => sec.off + 12 + 12 * i;
    if (name === '.ksyms') {
      let dummy = 0;
      let dummyName = 0;
      let off = 0;
      for (let i = 0; i < sec.vlen; i++, off += 4) {
        const vt = recs[dv.getUint32(vars(i), true)];
        if (!vt) throw new ElfError(`.ksyms DATASEC refers to a missing type`);
        if (vt.kind === BTF_KIND.func) {
          if (dummy === 0) {
            const int = intId();
            dummyName = addString('dummy_ksym');
            dummy = addType(dummyName, BTF_KIND.var << 24, int, [VAR_GLOBAL_ALLOCATED]);
          }
          const proto = recs[dv.getUint32(vt.off + 8, true)];
          if (proto?.kind === BTF_KIND.func_proto) {
            for (let j = 0; j < proto.vlen; j++) {
              const p = proto.off + 12 + 8 * j;
              if (dv.getUint32(p + 4, true) !== 0 && dv.getUint32(p, true) === 0) dv.setUint32(p, dummyName, true);
            }
          }
          dv.setUint32(vars(i), dummy, true);
          dv.setUint32(vt.off + 4, (dv.getUint32(vt.off + 4, true) & ~0xffff) | FUNC_GLOBAL, true);
        } else if (vt.kind === BTF_KIND.var) {
          dv.setUint32(vt.off + 12, VAR_GLOBAL_ALLOCATED, true);
          dv.setUint32(vt.off + 8, intId(), true);
        }
        dv.setUint32(vars(i) + 4, off, true);
        dv.setUint32(vars(i) + 8, 4, true);
      }
      dv.setUint32(sec.off + 8, off, true);
      continue;
    }
    if (name === '.kconfig') throw new ElfError('extern variables in .kconfig (__kconfig) are not supported');
    const esec = elf.section(name);
    if (!esec) throw new ElfError(`BTF DATASEC '${name}' has no ELF section of that name`);
    if (dv.getUint32(sec.off + 8, true) === 0) dv.setUint32(sec.off + 8, esec.size, true);
    for (let i = 0; i < sec.vlen; i++) {
      const vt = recs[dv.getUint32(vars(i), true)];
      if (!vt || vt.kind !== BTF_KIND.var) throw new ElfError(`DATASEC '${name}' holds a type that is not a VAR`);
      const vname = str(vt.nameOff);
      const sym = elf.symbols.find((s) => s.name === vname && s.shndx === esec.index && s.type !== STT_SECTION && s.shndx < SHN_LORESERVE);
      if (!sym) continue;
      dv.setUint32(vars(i) + 4, sym.value, true);
      if (sym.visibility === STV_HIDDEN || sym.visibility === STV_INTERNAL) dv.setUint32(vt.off + 12, VAR_STATIC, true);
    }
    const sorted = Array.from({ length: sec.vlen }, (_, i) => [dv.getUint32(vars(i), true), dv.getUint32(vars(i) + 4, true), dv.getUint32(vars(i) + 8, true)]);
    sorted.sort((a, b) => a[1] - b[1]);
    sorted.forEach((v, i) => v.forEach((x, j) => dv.setUint32(vars(i) + 4 * j, x, true)));
  }

  const extraLen = extra.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(hdrLen + typeLen + extraLen + strings.length);
  out.set(raw.subarray(0, hdrLen));
  const odv = new DataView(out.buffer);
  odv.setUint32(8, 0, true);
  odv.setUint32(12, typeLen + extraLen, true);
  odv.setUint32(16, typeLen + extraLen, true);
  odv.setUint32(20, strings.length, true);
  out.set(types, hdrLen);
  let o = hdrLen + typeLen;
  for (const b of extra) {
    out.set(b, o);
    o += b.length;
  }
  out.set(strings, o);
  return out;
}
