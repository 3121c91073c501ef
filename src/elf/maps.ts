// The maps of an object, as libbpf creates them: BTF-defined maps from the .maps DATASEC
// (parse_btf_map_def), then one array map per global data section (.data, .bss, .rodata and
// their .data.NAME / .rodata.str1.1 variants, bpf_object__init_internal_map).
import type { BtfType, ParsedBtf } from '../btf/btf-parse.ts';
import type { CTypeConverter } from '../btf/btf-to-ctype.ts';
import type { GlobalVar, MapDef, MapType } from '../ir/program.ts';
import { BPF_MAP_FLAG, BPF_MAP_TYPE } from '../ir/sections.ts';
import type { ElfFile, ElfSection } from './elf.ts';
import { ElfError, SHF_ALLOC, SHT_NOBITS, SHT_PROGBITS, STT_OBJECT } from './elf.ts';

export interface ObjMap {
  def: MapDef;
  /** ELF section holding the map (.maps or the data section itself). */
  shndx: number;
  /** .maps only: the map variable's offset inside .maps. */
  secOffset: number;
}

const IR_MAP_TYPES: readonly MapType[] = ['array', 'hash', 'percpu_array', 'percpu_hash', 'lru_hash', 'ringbuf', 'prog_array', 'task_storage', 'cgrp_storage', 'inode_storage', 'sk_storage'];

const skipMods = (btf: ParsedBtf, id: number): BtfType | undefined => {
  for (let n = 0; n < 64; n++) {
    const t = btf.maybeType(id);
    if (!t || (t.kind !== 'typedef' && t.kind !== 'const' && t.kind !== 'volatile' && t.kind !== 'restrict' && t.kind !== 'type_tag')) return t;
    id = t.type;
  }
  return undefined;
};

/** btf__resolve_size. */
export function btfSize(btf: ParsedBtf, id: number): number {
  let mult = 1;
  for (let n = 0; n < 64; n++) {
    const t = btf.maybeType(id);
    if (!t) throw new ElfError(`BTF type ${id} has no size`);
    switch (t.kind) {
      case 'int': case 'float': case 'struct': case 'union': case 'enum': case 'enum64': case 'datasec':
        return mult * t.size;
      case 'ptr':
        return mult * 8;
      case 'array':
        mult *= t.nelems;
        id = t.elemType;
        break;
      case 'typedef': case 'const': case 'volatile': case 'restrict': case 'type_tag': case 'var':
        id = t.type;
        break;
      default:
        throw new ElfError(`BTF type ${id} (${t.kind}) has no size`);
    }
  }
  throw new ElfError(`BTF type ${id} nests too deeply`);
}

/** libbpf's internal_map_name: object-name prefix for .data/.bss/.rodata, the section alone for .data.NAME. */
export function internalMapName(objName: string, section: string): string {
  const sfx = Math.max(7, section.length);
  const pfx = section.indexOf('.', 1) >= 0 ? 0 : Math.max(0, Math.min(16 - sfx - 1, objName.length));
  return (objName.slice(0, pfx) + section).slice(0, 15).replace(/[^A-Za-z0-9_.]/g, '_');
}

function btfMaps(elf: ElfFile, btf: ParsedBtf, conv: CTypeConverter, file: string): ObjMap[] {
  const maps = elf.section('.maps');
  const secId = btf.find('datasec', '.maps');
  if (!maps || secId === undefined) return [];
  const sec = btf.type(secId);
  if (sec.kind !== 'datasec') return [];
  const out: ObjMap[] = [];
  for (const v of sec.vars) {
    const vt = btf.type(v.type);
    if (vt.kind !== 'var') throw new ElfError('.maps DATASEC holds a type that is not a VAR');
    const name = vt.name;
    const def = skipMods(btf, vt.type);
    if (!def || def.kind !== 'struct') throw new ElfError(`map '${name}': its definition is not a struct`);
    const intField = (mtype: number, field: string): number => {
      const p = skipMods(btf, mtype);
      const arr = p?.kind === 'ptr' ? skipMods(btf, p.type) : undefined;
      if (arr?.kind !== 'array') throw new ElfError(`map '${name}': '${field}' is not __uint(${field}, N)`);
      return arr.nelems;
    };
    let type: number | undefined;
    let maxEntries = 0;
    let flags = 0;
    let keySize: number | undefined;
    let valueSize: number | undefined;
    let keyId = 0;
    let valueId = 0;
    for (const m of def.members) {
      switch (m.name) {
        case 'type': type = intField(m.type, m.name); break;
        case 'max_entries': maxEntries = intField(m.type, m.name); break;
        case 'map_flags': flags = intField(m.type, m.name); break;
        case 'key_size': keySize = intField(m.type, m.name); break;
        case 'value_size': valueSize = intField(m.type, m.name); break;
        case 'key':
        case 'value': {
          const p = skipMods(btf, m.type);
          if (p?.kind !== 'ptr') throw new ElfError(`map '${name}': '${m.name}' is not __type(${m.name}, T)`);
          const size = btfSize(btf, p.type);
          if (m.name === 'key') [keyId, keySize] = [p.type, size];
          else [valueId, valueSize] = [p.type, size];
          break;
        }
        case 'pinning': case 'numa_node': break;
        default:
          throw new ElfError(`map '${name}': the '${m.name}' field is not supported (map-in-map, prog_array initial values, map_extra)`);
      }
    }
    if (type === undefined) throw new ElfError(`map '${name}' has no __uint(type, ...)`);
    const typeName = (Object.keys(BPF_MAP_TYPE) as (keyof typeof BPF_MAP_TYPE)[]).find((k) => BPF_MAP_TYPE[k] === type);
    const irType = IR_MAP_TYPES.find((t) => t === typeName);
    if (!irType) throw new ElfError(`map '${name}': map type ${typeName ?? type} is not supported by bpfspec's program IR (supported: ${IR_MAP_TYPES.join(', ')})`);
    const sym = elf.symbols.find((s) => s.name === name && s.shndx === maps.index);
    if (!sym) throw new ElfError(`map '${name}' has no ELF symbol in .maps`);
    out.push({
      shndx: maps.index, secOffset: sym.value,
      def: {
        name: name.slice(0, 15), kind: 'map', type: irType, keySize: keySize ?? 0, valueSize: valueSize ?? 0, maxEntries, flags,
        keyType: keyId ? conv.ctype(keyId) : null, valueType: valueId ? conv.ctype(valueId) : null,
        ...(keyId ? { btfKeyTypeId: keyId } : {}), ...(valueId ? { btfValueTypeId: valueId } : {}),
        loc: { file, line: 1, col: 1 },
      },
    });
  }
  return out;
}

const isDataSection = (s: ElfSection): boolean =>
  (s.flags & SHF_ALLOC) !== 0 && (s.type === SHT_PROGBITS || s.type === SHT_NOBITS) && s.size > 0 &&
  /^\.(data|bss|rodata)(\..+)?$/.test(s.name);

function dataMaps(elf: ElfFile, btf: ParsedBtf | null, conv: CTypeConverter | null, file: string, objName: string): ObjMap[] {
  const out: ObjMap[] = [];
  for (const s of elf.sections) {
    if (!isDataSection(s)) continue;
    const readonly = s.name.startsWith('.rodata');
    const secId = btf?.find('datasec', s.name);
    const sec = secId !== undefined ? btf?.type(secId) : undefined;
    const vars: GlobalVar[] = [];
    let mmapable = false;
    if (btf && conv && sec?.kind === 'datasec') {
      for (const v of sec.vars) {
        const vt = btf.type(v.type);
        if (vt.kind !== 'var') continue;
        if (vt.linkage !== 'static') mmapable = true;
        vars.push({ name: vt.name, type: conv.ctype(vt.type), offset: v.offset, size: v.size });
      }
    } else {
      for (const sym of elf.symbols) {
        if (sym.shndx === s.index && sym.type === STT_OBJECT) vars.push({ name: sym.name, type: { kind: 'array', elem: { kind: 'int', name: 'char', size: 1, signed: true }, len: sym.size }, offset: sym.value, size: sym.size });
      }
    }
    const flags = (readonly ? BPF_MAP_FLAG.BPF_F_RDONLY_PROG : 0) | (mmapable ? BPF_MAP_FLAG.BPF_F_MMAPABLE : 0);
    const initial = new Uint8Array(s.size);
    if (s.type === SHT_PROGBITS) initial.set(s.data);
    out.push({
      shndx: s.index, secOffset: 0,
      def: {
        name: internalMapName(objName, s.name), kind: 'global', type: 'array', keySize: 4, valueSize: s.size, maxEntries: 1, flags,
        keyType: null, valueType: null, section: s.name, vars, initial, readonly,
        ...(secId !== undefined ? { btfKeyTypeId: 0, btfValueTypeId: secId } : {}),
        loc: { file, line: 1, col: 1 },
      },
    });
  }
  return out;
}

export function objectMaps(elf: ElfFile, btf: ParsedBtf | null, conv: CTypeConverter | null, file: string, objName: string): ObjMap[] {
  if (elf.section('.maps') && !btf) throw new ElfError('the object has a .maps section but no .BTF: BTF-defined maps need BTF (compile with -g)');
  if (elf.section('maps')) throw new ElfError("legacy SEC(\"maps\") map definitions (struct bpf_map_def) are not supported; use BTF-defined maps in SEC(\".maps\")");
  return [...(btf && conv ? btfMaps(elf, btf, conv, file) : []), ...dataMaps(elf, btf, conv, file, objName)];
}
