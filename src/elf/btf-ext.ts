// The .BTF.ext section clang writes next to .BTF: per ELF section, func info (which BTF FUNC
// starts at which instruction), line info (which source line each instruction came from) and
// CO-RE relocations. Instruction offsets here are byte offsets inside the ELF section, as clang
// writes them; the linker (link.ts) rebases them onto program slots. Layout from
// include/uapi/linux/btf.h and libbpf's btf.h (struct btf_ext_header).
import type { ParsedBtf } from '../btf/btf-parse.ts';
import { ElfError } from './elf.ts';

export interface ExtFuncInfo {
  /** Byte offset in the section. */
  insnOff: number;
  typeId: number;
}

export interface ExtLineInfo {
  insnOff: number;
  fileNameOff: number;
  lineOff: number;
  line: number;
  col: number;
}

/** enum bpf_core_relo_kind. */
export const CORE_KIND_NAMES = [
  'field_byte_offset', 'field_byte_size', 'field_exists', 'field_signed', 'field_lshift_u64', 'field_rshift_u64',
  'type_id_local', 'type_id_target', 'type_exists', 'type_size', 'enumval_exists', 'enumval_value', 'type_matches',
] as const;

export interface ExtCoreRelo {
  insnOff: number;
  typeId: number;
  accessStr: string;
  kind: number;
}

export interface BtfExt {
  /** Keyed by ELF section name. */
  funcInfo: Map<string, ExtFuncInfo[]>;
  lineInfo: Map<string, ExtLineInfo[]>;
  coreRelos: Map<string, ExtCoreRelo[]>;
}

const MAGIC = 0xeb9f;

export function parseBtfExt(bytes: Uint8Array, btf: ParsedBtf): BtfExt {
  const out: BtfExt = { funcInfo: new Map(), lineInfo: new Map(), coreRelos: new Map() };
  if (bytes.length < 24) throw new ElfError(`truncated .BTF.ext header (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint16(0, true) !== MAGIC) throw new ElfError('.BTF.ext has a bad magic number (big-endian or damaged)');
  const hdrLen = dv.getUint32(4, true);
  if (hdrLen < 24 || hdrLen > bytes.length) throw new ElfError(`.BTF.ext header length ${hdrLen} is invalid`);
  const u32 = (o: number): number => {
    if (o + 4 > bytes.length) throw new ElfError(`truncated .BTF.ext: read at ${o} past its ${bytes.length} bytes`);
    return dv.getUint32(o, true);
  };
  const name = (off: number): string => {
    try {
      return btf.str(off);
    } catch {
      throw new ElfError(`.BTF.ext refers to string offset ${off} outside the .BTF string section`);
    }
  };
  const blocks = <T>(off: number, len: number, minRec: number, what: string, rec: (o: number) => T, into: Map<string, T[]>): void => {
    if (len === 0) return;
    const start = hdrLen + off;
    const end = start + len;
    if (end > bytes.length) throw new ElfError(`.BTF.ext ${what} ends at ${end}, past the section's ${bytes.length} bytes`);
    const recSize = u32(start);
    if (recSize < minRec) throw new ElfError(`.BTF.ext ${what} record size ${recSize} is smaller than ${minRec}`);
    let o = start + 4;
    while (o < end) {
      const sec = name(u32(o));
      const n = u32(o + 4);
      o += 8;
      if (o + n * recSize > end) throw new ElfError(`.BTF.ext ${what} for section '${sec}' overruns its block`);
      const list = into.get(sec) ?? [];
      for (let i = 0; i < n; i++, o += recSize) list.push(rec(o));
      into.set(sec, list);
    }
  };
  blocks(u32(8), u32(12), 8, 'func info', (o) => ({ insnOff: u32(o), typeId: u32(o + 4) }), out.funcInfo);
  blocks(u32(16), u32(20), 16, 'line info', (o) => {
    const lc = u32(o + 12);
    return { insnOff: u32(o), fileNameOff: u32(o + 4), lineOff: u32(o + 8), line: lc >>> 10, col: lc & 0x3ff };
  }, out.lineInfo);
  if (hdrLen >= 32) {
    blocks(u32(24), u32(28), 16, 'CO-RE relocations', (o) => ({ insnOff: u32(o), typeId: u32(o + 4), accessStr: name(u32(o + 8)), kind: u32(o + 12) }), out.coreRelos);
  }
  return out;
}
