// From an ELF object to the program IR, one Program per entry point, the way libbpf lays
// programs out (bpf_object__relocate): the program's own instructions first, then every
// subprogram it reaches appended in the order they are first referenced (depth first), calls and
// function addresses patched to slot-relative offsets; map, global data, kfunc and ksym
// references resolved; CO-RE relocations applied; func and line info rebased onto the slots.
import { parseBtf, type ParsedBtf } from '../btf/btf-parse.ts';
import { createCTypeConverter, type CTypeConverter } from '../btf/btf-to-ctype.ts';
import { typeKey, type NamedTypeDef, type TypeTable } from '../btf/types.ts';
import { findKfuncId, vmlinuxBtf, vmlinuxBtfReason } from '../btf/vmlinux.ts';
import { helperById } from '../catalog/helpers.ts';
import type { SourceLoc } from '../asm/errors.ts';
import type { MapDef, Program, ProgramBtf, Reloc, Subprog } from '../ir/program.ts';
import { parseSection } from '../ir/sections.ts';
import { decodeInsns } from '../isa/encode.ts';
import type { Insn } from '../isa/insn.ts';
import * as op from '../isa/opcodes.ts';
import { parseBtfExt, type BtfExt } from './btf-ext.ts';
import { sanitizeBtf } from './btf-fixup.ts';
import { applyCoreRelo } from './core-relo.ts';
import { ElfError, parseElf, R_BPF, SHF_EXECINSTR, SHN_LORESERVE, SHN_UNDEF, SHT_PROGBITS, STB_LOCAL, STB_WEAK, STT_FUNC, type ElfFile, type ElfRel, type ElfSection } from './elf.ts';
import { objectMaps, type ObjMap } from './maps.ts';

interface Func {
  name: string;
  sec: ElfSection;
  /** First instruction index inside the section, and count. */
  start: number;
  len: number;
  insns: Insn[];
  global: boolean;
}

export interface ElfObject {
  file: string;
  elf: ElfFile;
  btf: ParsedBtf | null;
  rawBtf: Uint8Array | null;
  ext: BtfExt | null;
  maps: ObjMap[];
  types: TypeTable;
  programs: Program[];
  /** C source text of each slot of each program (from line info), by program name. */
  sourceText: Map<string, (string | null)[]>;
}

const CALL = 0x85;

function objName(file: string): string {
  const base = file.replace(/^.*\//, '');
  const dot = base.indexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base).replace(/[^A-Za-z0-9_]/g, '_');
}

function typeTable(btf: ParsedBtf, conv: CTypeConverter): TypeTable {
  const table: TypeTable = new Map();
  for (const t of btf.ownTypes()) {
    if (t.kind !== 'struct' && t.kind !== 'union' && t.kind !== 'enum' && t.kind !== 'enum64') continue;
    try {
      const def = conv.named(t.id);
      table.set(typeKey(def.kind, def.name), def);
    } catch {
      // a type the C model cannot express (e.g. a misaligned non-bitfield member) is left out
    }
  }
  return table;
}

export function readElfObject(file: string, bytes: Uint8Array): ElfObject {
  const elf = parseElf(bytes);
  const btfSec = elf.section('.BTF');
  let btf: ParsedBtf | null = null;
  let rawBtf: Uint8Array | null = null;
  if (btfSec) {
    try {
      rawBtf = sanitizeBtf(btfSec.data, elf);
      btf = parseBtf(rawBtf);
    } catch (e) {
      throw new ElfError(`.BTF: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const extSec = elf.section('.BTF.ext');
  const ext = btf && extSec ? parseBtfExt(extSec.data, btf) : null;
  const conv = btf ? createCTypeConverter(btf) : null;
  const maps = objectMaps(elf, btf, conv, file, objName(file));
  const types: TypeTable = btf && conv ? typeTable(btf, conv) : new Map<string, NamedTypeDef>();
  const licSec = elf.section('license');
  const license = licSec ? new TextDecoder().decode(licSec.data).replace(/\0.*$/s, '') : '';

  const funcs: Func[] = [];
  for (const sec of elf.sections) {
    if (sec.type !== SHT_PROGBITS || (sec.flags & SHF_EXECINSTR) === 0 || sec.size === 0) continue;
    if (sec.size % 8 !== 0) throw new ElfError(`section '${sec.name}' is ${sec.size} bytes, not a whole number of instructions`);
    const all = decodeInsns(sec.data);
    const syms = elf.symbols.filter((s) => s.shndx === sec.index && s.type === STT_FUNC).sort((a, b) => a.value - b.value);
    for (const s of syms) {
      if (s.value % 8 !== 0 || s.size % 8 !== 0 || s.value + s.size > sec.size) throw new ElfError(`function '${s.name}' in '${sec.name}' has a bad offset or size`);
      if (sec.name !== '.text' && s.bind === STB_LOCAL) throw new ElfError(`program '${s.name}' in section '${sec.name}' is static; libbpf only loads global functions as programs`);
      funcs.push({ name: s.name, sec, start: s.value / 8, len: s.size / 8, insns: all.slice(s.value / 8, (s.value + s.size) / 8), global: s.bind !== STB_LOCAL });
    }
  }
  const entries = funcs.filter((f) => f.sec.name !== '.text');
  if (entries.length === 0) throw new ElfError('no programs: libbpf loads functions in SEC("...") sections other than .text, and this object has none');

  const sourceText = new Map<string, (string | null)[]>();
  const obj: ElfObject = { file, elf, btf, rawBtf, ext, maps, types, programs: [], sourceText };
  for (const f of entries) {
    const { program, text } = linkProgram(obj, funcs, f, license);
    obj.programs.push(program);
    sourceText.set(program.name, text);
  }
  return obj;
}

function linkProgram(obj: ElfObject, funcs: Func[], main: Func, license: string): { program: Program; text: (string | null)[] } {
  const { elf, btf, ext, file } = obj;
  const insns: Insn[] = [];
  const relocs: Reloc[] = [];
  const usedMaps: MapDef[] = [];
  const placed: { f: Func; start: number }[] = [];
  const mapIndex = (m: ObjMap): number => {
    let i = usedMaps.indexOf(m.def);
    if (i < 0) i = usedMaps.push(m.def) - 1;
    return i;
  };
  const where = (f: Func, i: number): string => `${f.sec.name}+${(f.start + i) * 8} (in '${f.name}')`;
  const relsBySec = new Map<number, Map<number, ElfRel>>();
  const relAt = (sec: ElfSection, off: number): ElfRel | undefined => {
    let m = relsBySec.get(sec.index);
    if (!m) {
      m = new Map(elf.relsFor(sec.index).map((r) => [r.offset, r]));
      relsBySec.set(sec.index, m);
    }
    return m.get(off);
  };
  const funcAt = (sec: ElfSection, insnIdx: number, from: string): Func => {
    const t = funcs.find((g) => g.sec.index === sec.index && g.start === insnIdx);
    if (!t) throw new ElfError(`${from}: the call or function address targets instruction ${insnIdx} of '${sec.name}', which starts no function`);
    return t;
  };
  const core = ext && btf ? { local: btf, target: (): ParsedBtf | string => vmlinuxBtf() ?? vmlinuxBtfReason() ?? 'no vmlinux BTF' } : null;

  const place = (f: Func): number => {
    const prev = placed.find((p) => p.f === f);
    if (prev) return prev.start;
    const start = insns.length;
    placed.push({ f, start });
    for (const i of f.insns) insns.push({ ...i });
    for (let i = 0; i < f.len; i++) {
      const slot = start + i;
      const insn = insns[slot];
      const rel = relAt(f.sec, (f.start + i) * 8);
      if (rel && rel.type !== R_BPF['64_64'] && rel.type !== R_BPF['64_32']) throw new ElfError(`${where(f, i)}: unknown relocation type ${rel.type} in an executable section`);
      const sym = rel ? elf.symbols[rel.sym] : undefined;
      if (insn.code === CALL) {
        if (sym && sym.shndx === SHN_UNDEF) {
          if (sym.bind === STB_WEAK) throw new ElfError(`${where(f, i)}: weak extern function '${sym.name}' is not supported (libbpf refuses it too)`);
          insn.src = op.BPF_PSEUDO_KFUNC_CALL;
          insn.imm = findKfuncId(sym.name) ?? 0;
          insn.off = 0;
          relocs.push({ insn: slot, kind: 'kfunc', name: sym.name });
        } else if (insn.src === op.BPF_PSEUDO_CALL) {
          const tsec = sym ? elf.sections[sym.shndx] : f.sec;
          const target = sym ? sym.value / 8 + insn.imm + 1 : f.start + i + insn.imm + 1;
          if (!tsec || (tsec.flags & SHF_EXECINSTR) === 0) throw new ElfError(`${where(f, i)}: call relocation against '${sym?.name}' outside an executable section`);
          const t = funcAt(tsec, target, where(f, i));
          const tstart = place(t);
          insns[slot].imm = tstart - slot - 1;
          relocs.push({ insn: slot, kind: 'subprog', name: t.name });
        } else if (sym) {
          throw new ElfError(`${where(f, i)}: relocation against '${sym.name}' on a call that is not a BPF-to-BPF call`);
        } else if (insn.src === 0) {
          const h = helperById(insn.imm);
          if (h) relocs.push({ insn: slot, kind: 'helper', name: h.name });
        }
      } else if (insn.code === 0x18) {
        if (i + 1 >= f.len) throw new ElfError(`${where(f, i)}: ld_imm64 is missing its second slot`);
        const hi = insns[slot + 1];
        if (sym) linkLdImm64(f, i, slot, insn, hi, sym.index);
        else if (insn.src === op.BPF_PSEUDO_FUNC) {
          const t = funcAt(f.sec, f.start + i + insn.imm + 1, where(f, i));
          insns[slot].imm = place(t) - slot - 1;
          relocs.push({ insn: slot, kind: 'func_addr', name: t.name });
        }
        i++;
      } else if (rel) {
        throw new ElfError(`${where(f, i)}: relocation against '${sym?.name}' on an instruction that is neither a call nor ld_imm64`);
      }
    }
    for (const r of ext?.coreRelos.get(f.sec.name) ?? []) {
      const idx = r.insnOff / 8 - f.start;
      if (idx < 0 || idx >= f.len || !core) continue;
      const res = applyCoreRelo(insns, start + idx, r, core);
      if (res.localTypeId !== undefined && btf) {
        const t = btf.type(res.localTypeId);
        if (t.kind === 'struct' || t.kind === 'union') relocs.push({ insn: start + idx, kind: 'local_type_id', type: typeKey(t.kind, createCTypeConverter(btf).refName(t.id)) });
      }
    }
    return start;
  };

  const linkLdImm64 = (f: Func, i: number, slot: number, lo: Insn, hi: Insn, symIdx: number): void => {
    const sym = elf.symbols[symIdx];
    const name = sym.name || elf.sections[sym.shndx]?.name || '?';
    if (sym.shndx === SHN_UNDEF) {
      const local = btf?.find('var', sym.name);
      const lt = local !== undefined && btf ? btf.type(local) : undefined;
      if (lt?.kind === 'var' && btf?.maybeType(lt.type) === undefined) throw new ElfError(`${where(f, i)}: typeless ksym '${sym.name}' (extern const void) is not supported`);
      const k = vmlinuxBtf();
      const vid = k?.find('var', sym.name);
      if (k && vid === undefined) throw new ElfError(`${where(f, i)}: ksym '${sym.name}' is not a variable of the running kernel`);
      lo.src = op.BPF_PSEUDO_BTF_ID;
      lo.imm = vid ?? 0;
      hi.imm = 0;
      relocs.push({ insn: slot, kind: 'ksym', name: sym.name });
      return;
    }
    if (sym.shndx >= SHN_LORESERVE) throw new ElfError(`${where(f, i)}: relocation against '${name}' in a special section (an uninitialised global without a section?)`);
    const sec = elf.sections[sym.shndx];
    if ((sec.flags & SHF_EXECINSTR) !== 0) {
      const t = funcAt(sec, (sym.value + lo.imm) / 8, where(f, i));
      lo.src = op.BPF_PSEUDO_FUNC;
      insns[slot].imm = place(t) - slot - 1;
      relocs.push({ insn: slot, kind: 'func_addr', name: t.name });
      return;
    }
    if (sec.name === '.maps') {
      const m = obj.maps.find((x) => x.shndx === sec.index && x.secOffset === sym.value);
      if (!m) throw new ElfError(`${where(f, i)}: no map at offset ${sym.value} of .maps (relocation against '${name}')`);
      lo.src = op.BPF_PSEUDO_MAP_FD;
      lo.imm = 0;
      relocs.push({ insn: slot, kind: 'map_fd', map: mapIndex(m) });
      return;
    }
    const m = obj.maps.find((x) => x.shndx === sec.index && x.def.kind === 'global');
    if (!m) throw new ElfError(`${where(f, i)}: relocation against '${name}' in section '${sec.name}', which is neither a map nor global data`);
    const off = sym.value + lo.imm;
    lo.src = op.BPF_PSEUDO_MAP_VALUE;
    lo.imm = 0;
    hi.imm = off;
    relocs.push({ insn: slot, kind: 'map_value', map: mapIndex(m), off });
  };

  place(main);
  relocs.sort((a, b) => a.insn - b.insn);
  placed.sort((a, b) => a.start - b.start);

  // func info, line info and source locations, rebased from section byte offsets onto slots
  const funcInfo: ProgramBtf['funcInfo'] = [];
  const lineInfo: ProgramBtf['lineInfo'] = [];
  for (const { f, start } of placed) {
    const fi = ext?.funcInfo.get(f.sec.name)?.find((x) => x.insnOff === f.start * 8);
    if (fi) funcInfo.push({ insn: start, typeId: fi.typeId });
    for (const li of ext?.lineInfo.get(f.sec.name) ?? []) {
      const idx = li.insnOff / 8 - f.start;
      if (idx >= 0 && idx < f.len) lineInfo.push({ insn: start + idx, fileNameOff: li.fileNameOff, lineOff: li.lineOff, line: li.line, col: li.col });
    }
  }
  if (ext && funcInfo.length !== placed.length && funcInfo.length > 0) throw new ElfError(`program '${main.name}': .BTF.ext has func info for only some of its functions`);
  lineInfo.sort((a, b) => a.insn - b.insn);
  const srcLocs: SourceLoc[] = [];
  const text: (string | null)[] = [];
  let li = 0;
  let cur: { loc: SourceLoc; text: string | null } = { loc: { file, line: 1, col: 1 }, text: null };
  const fnStart = new Set(placed.map((p) => p.start));
  for (let s = 0; s < insns.length; s++) {
    if (fnStart.has(s)) cur = { loc: { file, line: 1, col: 1 }, text: null };
    while (li < lineInfo.length && lineInfo[li].insn <= s) {
      const l = lineInfo[li++];
      cur = { loc: { file: safeStr(btf, l.fileNameOff) || file, line: l.line || 1, col: l.col || 1 }, text: safeStr(btf, l.lineOff) || null };
    }
    srcLocs.push(cur.loc);
    text.push(cur.text);
  }
  const subprogs: Subprog[] = placed.map((p) => ({ name: p.f.name, start: p.start }));
  const labels = new Map(subprogs.map((s) => [s.start, s.name]));
  const sec = parseSection(main.sec.name);
  const program: Program = {
    name: main.name, section: main.sec.name, sleepable: sec.ok ? sec.sleepable : false, license, insns, subprogs, relocs, maps: usedMaps,
    types: obj.types, srcLocs, labels, loc: srcLocs[0] ?? { file, line: 1, col: 1 },
    ...(obj.rawBtf && funcInfo.length > 0 ? { btf: { raw: obj.rawBtf, funcInfo, lineInfo } } : {}),
  };
  return { program, text };
}

function safeStr(btf: ParsedBtf | null, off: number): string {
  if (!btf) return '';
  try {
    return btf.str(off);
  } catch {
    return '';
  }
}
