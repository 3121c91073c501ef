// A reader for the ELF objects clang writes for BPF: ELF64, little-endian, relocatable, machine
// EM_BPF. Only what libbpf itself looks at is decoded: section headers and names, the symbol
// table and SHT_REL relocations. Every read is bounds-checked so a damaged file is an ElfError
// naming the problem, never an out-of-range read.

export class ElfError extends Error {
  override name = 'ElfError';
}

export const EM_BPF = 247;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;

/** BPF relocation types (llvm/BinaryFormat/ELFRelocs/BPF.def). */
export const R_BPF = { NONE: 0, '64_64': 1, '64_ABS64': 2, '64_ABS32': 3, '64_NODYLD32': 4, '64_32': 10 } as const;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
  /** File bytes (empty for SHT_NOBITS). */
  data: Uint8Array;
}

export interface ElfSymbol {
  index: number;
  name: string;
  value: number;
  size: number;
  bind: number;
  type: number;
  /** st_other & 3 */
  visibility: number;
  shndx: number;
}

export interface ElfRel {
  offset: number;
  sym: number;
  type: number;
}

export interface ElfFile {
  sections: ElfSection[];
  symbols: ElfSymbol[];
  section(name: string): ElfSection | undefined;
  /** Relocations that apply to section `index` (from the SHT_REL section whose sh_info is it). */
  relsFor(index: number): ElfRel[];
}

const EHDR_SIZE = 64;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const REL_SIZE = 16;

function cstr(bytes: Uint8Array, off: number, what: string): string {
  if (off >= bytes.length) throw new ElfError(`${what}: string offset ${off} is past the end of its string table (${bytes.length} bytes)`);
  let end = off;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return new TextDecoder('utf-8').decode(bytes.subarray(off, end));
}

function num(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(`${what} is too large (${v})`);
  return Number(v);
}

export function parseElf(bytes: Uint8Array): ElfFile {
  if (bytes.length < 16 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('not an ELF file (bad magic)');
  }
  if (bytes[4] !== 2) throw new ElfError(`not a 64-bit ELF file (EI_CLASS ${bytes[4]}); BPF objects are ELF64`);
  if (bytes[5] === 2) throw new ElfError('big-endian ELF file: only little-endian BPF objects (clang -target bpf or bpfel) are supported');
  if (bytes[5] !== 1) throw new ElfError(`unknown ELF data encoding ${bytes[5]}`);
  if (bytes.length < EHDR_SIZE) throw new ElfError(`truncated ELF header: ${bytes.length} bytes, need ${EHDR_SIZE}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_BPF) throw new ElfError(`ELF machine ${machine} is not BPF (EM_BPF = ${EM_BPF}); compile with clang -target bpf`);
  if (type !== 1) throw new ElfError(`ELF type ${type} is not a relocatable object (ET_REL); give the .o clang wrote`);
  const shoff = num(dv.getBigUint64(40, true), 'e_shoff');
  const shentsize = dv.getUint16(58, true);
  const shnum = dv.getUint16(60, true);
  const shstrndx = dv.getUint16(62, true);
  if (shnum === 0) throw new ElfError('ELF file has no sections');
  if (shentsize !== SHDR_SIZE) throw new ElfError(`unexpected section header size ${shentsize} (expected ${SHDR_SIZE})`);
  if (shoff + shnum * SHDR_SIZE > bytes.length) throw new ElfError(`truncated ELF file: section headers end at ${shoff + shnum * SHDR_SIZE}, file has ${bytes.length} bytes`);

  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * SHDR_SIZE;
    const s = {
      nameOff: dv.getUint32(o, true),
      type: dv.getUint32(o + 4, true),
      flags: num(dv.getBigUint64(o + 8, true), 'sh_flags'),
      offset: num(dv.getBigUint64(o + 24, true), 'sh_offset'),
      size: num(dv.getBigUint64(o + 32, true), 'sh_size'),
      link: dv.getUint32(o + 40, true),
      info: dv.getUint32(o + 44, true),
      entsize: num(dv.getBigUint64(o + 56, true), 'sh_entsize'),
    };
    if (s.type !== SHT_NOBITS && s.type !== 0 && s.offset + s.size > bytes.length) {
      throw new ElfError(`truncated ELF file: section ${i} ends at ${s.offset + s.size}, file has ${bytes.length} bytes`);
    }
    raw.push(s);
  }
  if (shstrndx >= shnum) throw new ElfError(`section name table index ${shstrndx} is out of range`);
  const shstr = raw[shstrndx];
  const shstrData = bytes.subarray(shstr.offset, shstr.offset + shstr.size);
  const sections: ElfSection[] = raw.map((s, index) => ({
    index,
    name: index === 0 ? '' : cstr(shstrData, s.nameOff, `section ${index} name`),
    type: s.type, flags: s.flags, offset: s.offset, size: s.size, link: s.link, info: s.info, entsize: s.entsize,
    data: s.type === SHT_NOBITS || s.type === 0 ? new Uint8Array(0) : bytes.subarray(s.offset, s.offset + s.size),
  }));

  const symtabs = sections.filter((s) => s.type === SHT_SYMTAB);
  if (symtabs.length !== 1) throw new ElfError(`expected one symbol table, found ${symtabs.length}`);
  const symtab = symtabs[0];
  if (symtab.entsize !== SYM_SIZE || symtab.size % SYM_SIZE !== 0) throw new ElfError(`malformed symbol table (entry size ${symtab.entsize})`);
  const strtab = sections[symtab.link];
  if (!strtab || strtab.type !== SHT_STRTAB) throw new ElfError('the symbol table has no string table');
  const sdv = new DataView(symtab.data.buffer, symtab.data.byteOffset, symtab.data.byteLength);
  const symbols: ElfSymbol[] = [];
  for (let i = 0; i < symtab.size / SYM_SIZE; i++) {
    const o = i * SYM_SIZE;
    const info = sdv.getUint8(o + 4);
    symbols.push({
      index: i,
      name: cstr(strtab.data, sdv.getUint32(o, true), `symbol ${i} name`),
      bind: info >> 4, type: info & 0xf, visibility: sdv.getUint8(o + 5) & 3,
      shndx: sdv.getUint16(o + 6, true),
      value: num(sdv.getBigUint64(o + 8, true), 'st_value'),
      size: num(sdv.getBigUint64(o + 16, true), 'st_size'),
    });
  }

  const rels = new Map<number, ElfRel[]>();
  for (const s of sections) {
    if (s.type !== SHT_REL) continue;
    if (s.entsize !== REL_SIZE || s.size % REL_SIZE !== 0) throw new ElfError(`malformed relocation section ${s.name} (entry size ${s.entsize})`);
    if (s.info >= sections.length) throw new ElfError(`relocation section ${s.name} applies to section ${s.info}, which does not exist`);
    const rdv = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    const list: ElfRel[] = [];
    for (let o = 0; o < s.size; o += REL_SIZE) {
      const info = rdv.getBigUint64(o + 8, true);
      const sym = Number(info >> 32n);
      if (sym >= symbols.length) throw new ElfError(`relocation in ${s.name} refers to symbol ${sym}, which does not exist`);
      list.push({ offset: num(rdv.getBigUint64(o, true), 'r_offset'), sym, type: Number(info & 0xffffffffn) });
    }
    rels.set(s.info, list);
  }
  return {
    sections, symbols,
    section: (name) => sections.find((s) => s.name === name),
    relsFor: (index) => rels.get(index) ?? [],
  };
}
