// CO-RE relocations (.BTF.ext core_relo records), resolved the way libbpf's relo_core.c does for
// the simple cases: local type ids (bpf_core_type_id_local, used by bpf_obj_new), and type /
// field / enum-value queries against the running kernel's BTF, matching by "essential" name
// (without a ___suffix) and member names. Anything else is a clear not-supported error.
import type { BtfType, ParsedBtf } from '../btf/btf-parse.ts';
import type { Insn } from '../isa/insn.ts';
import { BPF_ALU, BPF_ALU64, BPF_LDX, BPF_ST, BPF_STX, insnClass, isLdImm64 } from '../isa/insn.ts';
import { CORE_KIND_NAMES, type ExtCoreRelo } from './btf-ext.ts';
import { ElfError } from './elf.ts';
import { btfSize } from './maps.ts';

/** libbpf's poison for a relocation that cannot be resolved: `call 0xbad2310`. */
const POISON_IMM = 0xbad2310;

export interface CoreContext {
  local: ParsedBtf;
  /** The running kernel's BTF, or why it is missing. */
  target: () => ParsedBtf | string;
}

export interface CoreResult {
  /** For type_id_local: the local type the slot now names. */
  localTypeId?: number;
}

const essential = (name: string): string => {
  const i = name.indexOf('___');
  return i > 0 ? name.slice(0, i) : name;
};

function strip(btf: ParsedBtf, id: number): number {
  for (let n = 0; n < 64 && id !== 0; n++) {
    const t = btf.type(id);
    if (t.kind !== 'typedef' && t.kind !== 'const' && t.kind !== 'volatile' && t.kind !== 'restrict' && t.kind !== 'type_tag') return id;
    id = t.type;
  }
  return id;
}

const sameFamily = (a: BtfType, b: BtfType): boolean =>
  a.kind === b.kind || ((a.kind === 'enum' || a.kind === 'enum64') && (b.kind === 'enum' || b.kind === 'enum64')) ||
  (a.kind === 'fwd' && (b.kind === 'struct' || b.kind === 'union')) || (b.kind === 'fwd' && (a.kind === 'struct' || a.kind === 'union'));

function candidates(local: BtfType, target: ParsedBtf): number[] {
  const name = essential(local.name);
  if (name === '') return [];
  const out: number[] = [];
  for (const t of target.ownTypes()) {
    if (t.kind !== 'fwd' && sameFamily(local, t) && essential(t.name) === name) out.push(t.id);
  }
  return out;
}

/** Finds member `name` in a struct/union, looking inside anonymous members like libbpf. */
function findMember(btf: ParsedBtf, id: number, name: string, bitBase: number): { type: number; bitOffset: number } | null {
  const t = btf.type(strip(btf, id));
  if (t.kind !== 'struct' && t.kind !== 'union') return null;
  for (const m of t.members) {
    if (m.name === name) return { type: m.type, bitOffset: bitBase + m.bitOffset };
    if (m.name === '') {
      const inner = findMember(btf, m.type, name, bitBase + m.bitOffset);
      if (inner) return inner;
    }
  }
  return null;
}

interface FieldSpec {
  /** Member names along the path (null for array indices). */
  names: (string | null)[];
  indices: number[];
}

function localSpec(btf: ParsedBtf, root: number, access: string, kindName: string): FieldSpec {
  const parts = access.split(':').map(Number);
  if (parts.some((p) => !Number.isInteger(p) || p < 0)) throw new ElfError(`CO-RE ${kindName}: bad access string '${access}'`);
  const spec: FieldSpec = { names: [null], indices: [parts[0]] };
  let cur = root;
  for (const idx of parts.slice(1)) {
    const t = btf.type(strip(btf, cur));
    if (t.kind === 'struct' || t.kind === 'union') {
      const m = t.members[idx];
      if (!m) throw new ElfError(`CO-RE ${kindName}: member ${idx} of ${t.name || 'an anonymous type'} does not exist`);
      spec.names.push(m.name === '' ? null : m.name);
      spec.indices.push(idx);
      cur = m.type;
    } else if (t.kind === 'array') {
      spec.names.push(null);
      spec.indices.push(idx);
      cur = t.elemType;
    } else throw new ElfError(`CO-RE ${kindName}: access string '${access}' walks into a ${t.kind}`);
  }
  return spec;
}

/** Bit offset and BTF type of the field the spec names, inside target type `root`; null when absent. */
function targetField(btf: ParsedBtf, root: number, spec: FieldSpec, local: ParsedBtf, localRoot: number): { bitOffset: number; type: number } | null {
  let bit = spec.indices[0] * 8 * btfSize(btf, root);
  let cur = root;
  let lcur = localRoot;
  for (let i = 1; i < spec.names.length; i++) {
    const lt = local.type(strip(local, lcur));
    const name = spec.names[i];
    if (lt.kind === 'array') {
      const t = btf.type(strip(btf, cur));
      if (t.kind !== 'array') return null;
      bit += spec.indices[i] * 8 * btfSize(btf, t.elemType);
      cur = t.elemType;
      lcur = lt.elemType;
      continue;
    }
    if (lt.kind !== 'struct' && lt.kind !== 'union') return null;
    const lm = lt.members[spec.indices[i]];
    if (name === null) {
      // an anonymous member: match by position, as the names inside it are what count
      const t = btf.type(strip(btf, cur));
      if (t.kind !== 'struct' && t.kind !== 'union') return null;
      const m = t.members[spec.indices[i]];
      if (!m) return null;
      bit += m.bitOffset;
      cur = m.type;
    } else {
      const m = findMember(btf, cur, name, 0);
      if (!m) return null;
      bit += m.bitOffset;
      cur = m.type;
    }
    lcur = lm.type;
  }
  return { bitOffset: bit, type: cur };
}

function patch(insns: Insn[], slot: number, value: number | bigint, kindName: string): void {
  const insn = insns[slot];
  const cls = insnClass(insn.code);
  const v = BigInt(value);
  if (isLdImm64(insn)) {
    insn.imm = Number(BigInt.asIntN(32, v));
    insns[slot + 1].imm = Number(BigInt.asIntN(32, v >> 32n));
  } else if ((cls === BPF_ALU || cls === BPF_ALU64) && (insn.code & 0x08) === 0) {
    insn.imm = Number(BigInt.asIntN(32, v));
  } else if (cls === BPF_LDX || cls === BPF_ST || cls === BPF_STX) {
    if (v < -32768n || v > 32767n) throw new ElfError(`CO-RE ${kindName}: offset ${v} does not fit an instruction's 16-bit offset`);
    insn.off = Number(v);
  } else throw new ElfError(`CO-RE ${kindName}: cannot patch instruction ${slot} (opcode 0x${insn.code.toString(16)})`);
}

function poison(insns: Insn[], slot: number): void {
  const wasLd = isLdImm64(insns[slot]);
  insns[slot] = { code: 0x85, dst: 0, src: 0, off: 0, imm: POISON_IMM };
  if (wasLd) insns[slot + 1] = { code: 0x05, dst: 0, src: 0, off: -1, imm: 0 };
}

export function applyCoreRelo(insns: Insn[], slot: number, relo: ExtCoreRelo, ctx: CoreContext): CoreResult {
  const kindName = CORE_KIND_NAMES[relo.kind] ?? `kind ${relo.kind}`;
  const local = ctx.local;
  const lt = local.maybeType(relo.typeId);
  if (!lt) throw new ElfError(`CO-RE ${kindName}: local type ${relo.typeId} does not exist`);
  if (kindName === 'type_id_local') {
    patch(insns, slot, relo.typeId, kindName);
    return { localTypeId: relo.typeId };
  }
  const supported = ['field_byte_offset', 'field_byte_size', 'field_exists', 'type_id_target', 'type_exists', 'type_size', 'enumval_exists', 'enumval_value'];
  if (!supported.includes(kindName)) throw new ElfError(`CO-RE relocation ${kindName} (instruction ${slot}) is not supported by bpfspec's ELF front end`);
  const target = ctx.target();
  if (typeof target === 'string') throw new ElfError(`CO-RE relocation ${kindName} needs the running kernel's BTF: ${target}`);
  const cands = candidates(local.type(strip(local, relo.typeId)), target);
  const exists = kindName === 'field_exists' || kindName === 'type_exists' || kindName === 'enumval_exists';
  for (const cand of cands) {
    let value: number | bigint | null = null;
    switch (kindName) {
      case 'type_id_target': value = cand; break;
      case 'type_exists': value = 1; break;
      case 'type_size': value = btfSize(target, cand); break;
      case 'enumval_exists':
      case 'enumval_value': {
        const l = local.type(strip(local, relo.typeId));
        const t = target.type(cand);
        const idx = Number(relo.accessStr);
        if ((l.kind !== 'enum' && l.kind !== 'enum64') || (t.kind !== 'enum' && t.kind !== 'enum64') || !l.values[idx]) break;
        const hit = t.values.find((v) => essential(v.name) === essential(l.values[idx].name));
        if (hit) value = kindName === 'enumval_exists' ? 1 : hit.value;
        break;
      }
      default: {
        const spec = localSpec(local, relo.typeId, relo.accessStr, kindName);
        const f = targetField(target, cand, spec, local, relo.typeId);
        if (!f) break;
        if (kindName === 'field_exists') value = 1;
        else if (kindName === 'field_byte_size') value = btfSize(target, f.type);
        else {
          if (f.bitOffset % 8 !== 0) throw new ElfError(`CO-RE ${kindName}: the field is a bitfield (use BPF_CORE_READ_BITFIELD, not supported)`);
          value = f.bitOffset / 8;
        }
      }
    }
    if (value !== null) {
      patch(insns, slot, value, kindName);
      return {};
    }
  }
  if (exists) patch(insns, slot, 0, kindName);
  else poison(insns, slot);
  return {};
}
