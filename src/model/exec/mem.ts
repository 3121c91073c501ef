// Loads, stores and atomics (check_load_mem, check_store_reg, check_atomic, check_mem_access):
// which pointer types can be dereferenced, and the per-region checks for stack, context and
// map values.
import type { Insn } from '../../isa/insn.ts';
import { BPF_STX, insnClass } from '../../isa/insn.ts';
import * as op from '../../isa/opcodes.ts';
import type { Env } from '../env.ts';
import { newId } from '../env.ts';
import { ModelLimit, reject, VerifierReject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { Reg } from '../state/reg.ts';
import { MEM_RDONLY, PTR_MAYBE_NULL, PTR_UNTRUSTED, ptrReg, regStr, scalarReg, unknownScalar } from '../state/reg.ts';
import { curFrame } from '../state/state.ts';
import { checkRegRead, checkRegWrite, getReg, setReg } from './regs.ts';
import { checkStackBounds, stackReadFixed, stackWriteFixed } from './stack-access.ts';
import { saveAuxPtrType } from './aux-ptr-type.ts';
import { ctxAccess } from '../progtypes.ts';
import { checkPtrToBtfAccess } from '../btf-ptr/access.ts';
import { coerceRegToSize, coerceRegToSizeSx, scalarKnown } from '../scalar/scalar.ts';
import { tnumAdd, tnumConst, tnumIsAligned, tnumIsConst } from '../scalar/tnum.ts';
import { formatUnum } from '../scalar/format.ts';
import { kptrMapAccess } from '../kptr/kptr.ts';

type Access = 'read' | 'write';

/** tnum_strn(): a known value as verbose_unum prints it (decimal up to 65535, else hex), else (value; mask). */
const tnumText = (r: Reg): string => (tnumIsConst(r.s.varOff) ? formatUnum(r.s.varOff.value) : `(0x${r.s.varOff.value.toString(16)}; 0x${r.s.varOff.mask.toString(16)})`);

/**
 * check_ptr_alignment(): stack accesses are always strict; others only when the access asks
 * for it (atomics: strict_alignment_once) since x86 has efficient unaligned access. The
 * message names the pointer kind only for the exact, flag-free types the kernel's switch lists.
 */
function checkAlignment(reg: Reg, off: number, size: number, strictOnce: boolean): void {
  if (reg.type === 'stack') {
    if (size === 1) return;
    const regOff = tnumAdd(reg.s.varOff, tnumConst(BigInt.asUintN(64, BigInt(reg.off + off))));
    if (!tnumIsAligned(regOff, BigInt(size))) reject(RULES.stackMisaligned, tnumText(reg), reg.off, off, size);
    return;
  }
  if (!strictOnce || size === 1) return;
  const regOff = tnumAdd(reg.s.varOff, tnumConst(BigInt.asUintN(64, BigInt(reg.off + off))));
  if (!tnumIsAligned(regOff, BigInt(size))) reject(RULES.misaligned, reg.flags === 0 ? (POINTER_DESC[reg.type] ?? '') : '', tnumText(reg), reg.off, off, size);
}

const POINTER_DESC: Partial<Record<string, string>> = { map_key: 'key ', map_value: 'value ', ctx: 'context ', flow_keys: 'flow keys ', sock: 'sock ', sock_common: 'sock_common ', tcp_sock: 'tcp_sock ', xdp_sock: 'xdp_sock ' };

/** check_mem_access(): returns the loaded value for reads. */
export function checkMemAccess(env: Env, regno: number, off: number, size: number, kind: Access, value: Reg | null, imm: number | null, signExt: boolean, strictAlignOnce = false): Reg | null {
  const reg = getReg(env, regno);
  checkAlignment(reg, off, size, strictAlignOnce);
  off += reg.off;
  let loaded: Reg | null = null;
  switch (reg.type) {
    case 'map_value':
      if (reg.flags & PTR_MAYBE_NULL) reject(RULES.invalidMemAccess, regno, regStr(reg));
      loaded = mapValueAccess(env, regno, reg, off, size, kind);
      break;
    case 'ctx':
      if (reg.flags & PTR_MAYBE_NULL) reject(RULES.invalidMemAccess, regno, regStr(reg));
      loaded = ctxMemAccess(env, regno, reg, off, size, kind);
      break;
    case 'btf_id':
      // a maybe-NULL kernel struct pointer is refused like any other non-memory type
      if (reg.flags & PTR_MAYBE_NULL) reject(RULES.btfMaybeNull, regno, regStr(reg));
      loaded = checkPtrToBtfAccess(env, regno, reg, off, size, kind);
      break;
    case 'mem': {
      // PTR_TO_MEM: memory a kfunc returned (bpf_iter_num_next's int *) or read-only untrusted
      // memory from walking a non-struct pointer field (btf_struct_access WALK_PTR_UNTRUSTED,
      // accessed by probe reads, so without bounds); reads give unknown scalars
      if (reg.flags & PTR_MAYBE_NULL) reject(RULES.invalidMemAccess, regno, regStr(reg));
      const rdonly = (reg.flags & MEM_RDONLY) !== 0;
      const untrusted = (reg.flags & PTR_UNTRUSTED) !== 0;
      if (kind === 'write' && rdonly) reject(untrusted ? RULES.walkNonStructPtr : RULES.kfuncMemReadOnly, regno, regStr(reg));
      if (!(rdonly && untrusted)) checkMemRegion(regno, reg, off, size, reg.memSize ?? 0, 'mem');
      loaded = kind === 'read' ? unknownScalar() : null;
      break;
    }
    case 'stack': {
      const frame = env.cur.frames[reg.frameno ?? env.cur.curframe];
      checkStackBounds(env, regno, reg, off, size, kind, frame);
      if (!tnumIsConst(reg.s.varOff)) {
        // variable-offset stack access: privileged programs read unknown scalars, writes make bytes misc
        if (kind === 'read') loaded = unknownScalar();
        else varOffStackWrite(env, reg, off, size);
        break;
      }
      const full = off + Number(BigInt.asIntN(64, reg.s.varOff.value));
      if (kind === 'read') loaded = stackReadFixed(env, frame, full, size);
      else stackWriteFixed(env, frame, full, size, value, imm, frame === curFrame(env.cur));
      break;
    }
    case 'pkt':
    case 'pkt_meta':
      // check_packet_access(): ranges proven by comparisons with pkt_end are not modelled yet
      throw new ModelLimit('packet access is not modelled yet');
    default:
      reject(RULES.invalidMemAccess, regno, regStr(reg));
  }
  if (loaded && kind === 'read' && loaded.type === 'scalar' && size < 8) {
    const sz = size as 1 | 2 | 4;
    loaded = scalarReg(signExt ? coerceRegToSizeSx(loaded.s, sz) : coerceRegToSize(loaded.s, sz), loaded.id, loaded.precise);
  }
  return loaded;
}

function varOffStackWrite(env: Env, reg: Reg, off: number, size: number): void {
  const frame = env.cur.frames[reg.frameno ?? env.cur.curframe];
  const lo = Number(reg.s.smin) + off;
  const hi = Number(reg.s.smax) + off + size;
  for (let o = lo; o < hi; o++) stackWriteFixed(env, frame, o, 1, null, 1, true);
}

function mapValueAccess(env: Env, regno: number, reg: Reg, off: number, size: number, kind: Access): Reg | null {
  const map = env.prog.maps[reg.map ?? 0];
  if (kind === 'write' && map.readonly) reject(RULES.mapReadonly, map.valueSize, off + Number(reg.s.smin), size);
  checkMemRegion(regno, reg, off, size, map.valueSize);
  const kptr = kptrMapAccess(env, reg, off, size, kind);
  if (kptr !== undefined) return kptr;
  if (kind === 'read') {
    if (tnumIsConst(reg.s.varOff) && map.readonly && map.initial) {
      const at = off + Number(reg.s.varOff.value);
      let v = 0n;
      for (let b = size - 1; b >= 0; b--) v = (v << 8n) | BigInt(map.initial[at + b] ?? 0);
      return scalarReg(scalarKnown(v));
    }
    return unknownScalar();
  }
  return null;
}

/**
 * check_mem_region_access(): both ends of a possibly variable offset must land inside
 * [0, memSize). `what` picks __check_mem_access()'s wording: a map value or other memory.
 */
function checkMemRegion(regno: number, reg: Reg, off: number, size: number, memSize: number, what: 'map_value' | 'mem' = 'map_value'): void {
  const oob = (o: bigint): string =>
    what === 'mem' ? RULES.kfuncMemOob.msg(memSize, Number(BigInt.asIntN(32, o)), size) : RULES.mapValueOob.msg(memSize, Number(BigInt.asIntN(32, o)), size);
  const ruleOf = (mapRule: string): string => (what === 'mem' ? RULES.kfuncMemOob.id : mapRule);
  const smin = reg.s.smin;
  const fits32 = (v: bigint): boolean => v === BigInt.asIntN(32, v);
  if (smin < 0n && (smin === -(1n << 63n) || !fits32(BigInt(off) + smin) || smin + BigInt(off) < 0n)) reject(RULES.mapMinNegative, regno);
  const inside = (o: bigint): boolean => o >= 0n && size > 0 && o + BigInt(size) <= BigInt(memSize);
  const lo = smin + BigInt(off);
  if (!inside(lo)) throw new VerifierReject(ruleOf(RULES.mapMinOob.id), `${oob(lo)}\n${RULES.mapMinOob.msg(regno)}`);
  if (reg.s.umax >= 1n << 29n) reject(RULES.mapUnbounded, regno);
  const hi = reg.s.umax + BigInt(off);
  if (!inside(hi)) throw new VerifierReject(ruleOf(RULES.mapMaxOob.id), `${oob(hi)}\n${RULES.mapMaxOob.msg(regno)}`);
}

function ctxMemAccess(env: Env, regno: number, reg: Reg, off: number, size: number, kind: Access): Reg | null {
  // check_ptr_off_reg(): the context pointer must be unmodified
  if (!tnumIsConst(reg.s.varOff)) reject(RULES.ctxVarOff, `(0x${reg.s.varOff.value.toString(16)}; 0x${reg.s.varOff.mask.toString(16)})`);
  if (reg.off !== 0 || reg.s.varOff.value !== 0n) reject(RULES.ctxModified, regno, reg.off + Number(reg.s.varOff.value));
  const info = ctxAccess(env.section.progType, off, size, kind === 'write', env.section);
  for (const line of info.log ?? []) env.log.write(line); // bpf_log() lines of the is_valid_access callback
  if (!info.ok) throw new VerifierReject(info.ruleId ?? RULES.ctxAccess.id, RULES.ctxAccess.msg(off, size));
  if (kind === 'write') return null;
  if (!info.regType) return unknownScalar();
  const flags = info.regFlags ?? 0;
  return ptrReg(info.regType, { flags, ...(flags & PTR_MAYBE_NULL ? { id: newId(env) } : {}), ...(info.btf ? { btf: info.btf } : { range: 0 }) });
}

/** BPF_LDX: dst = *(size *)(src + off). */
export function checkLoad(env: Env, insn: Insn): void {
  checkRegRead(env, insn.src);
  checkRegWrite(env, insn.dst);
  const size = op.sizeBytes(op.bpfSize(insn.code));
  const ptr = curFrame(env.cur).regs[insn.src];
  const v = checkMemAccess(env, insn.src, insn.off, size, 'read', null, null, op.bpfMode(insn.code) === op.BPF_MEMSX);
  saveAuxPtrType(env, ptr, true);
  setReg(env, insn.dst, v ?? unknownScalar());
}

/** BPF_STX / BPF_ST: *(size *)(dst + off) = src / imm. */
export function checkStore(env: Env, insn: Insn): void {
  const size = op.sizeBytes(op.bpfSize(insn.code));
  if (insnClass(insn.code) === BPF_STX) {
    const v = checkRegRead(env, insn.src);
    const ptr = checkRegRead(env, insn.dst);
    checkMemAccess(env, insn.dst, insn.off, size, 'write', v, null, false);
    saveAuxPtrType(env, ptr, false);
  } else {
    const ptr = checkRegRead(env, insn.dst);
    checkMemAccess(env, insn.dst, insn.off, size, 'write', null, insn.imm, false);
    saveAuxPtrType(env, ptr, false);
  }
}

/** atomic_ptr_type_ok(): no atomics on the context, packets or sockets (their accesses are rewritten). */
function atomicPtrTypeOk(reg: Reg): boolean {
  if (reg.type === 'ctx' && reg.flags === 0) return false;
  return !['pkt', 'pkt_meta', 'flow_keys', 'sock_common', 'sock', 'tcp_sock', 'xdp_sock'].includes(reg.type);
}

/** BPF_STX | BPF_ATOMIC (check_atomic): load-acquire, store-release, and read-modify-write. */
export function checkAtomic(env: Env, insn: Insn): void {
  const size = op.sizeBytes(op.bpfSize(insn.code));
  if (insn.imm === op.BPF_LOAD_ACQ) {
    const ptr = getReg(env, insn.src);
    if (!atomicPtrTypeOk(ptr)) reject(RULES.atomicLoadPtrType, insn.src, regStr(ptr));
    checkRegRead(env, insn.src);
    checkRegWrite(env, insn.dst);
    const v = checkMemAccess(env, insn.src, insn.off, size, 'read', null, null, false, true);
    saveAuxPtrType(env, ptr, false);
    setReg(env, insn.dst, v ?? unknownScalar());
    return;
  }
  if (insn.imm === op.BPF_STORE_REL) {
    const ptr = getReg(env, insn.dst);
    if (!atomicPtrTypeOk(ptr)) reject(RULES.atomicStorePtrType, insn.dst, regStr(ptr));
    const v = checkRegRead(env, insn.src);
    checkRegRead(env, insn.dst);
    checkMemAccess(env, insn.dst, insn.off, size, 'write', v, null, false, true);
    saveAuxPtrType(env, ptr, false);
    return;
  }
  checkAtomicRmw(env, insn, size);
}

/**
 * check_atomic_rmw(): the old value is read (into the fetch register: src, or R0 for cmpxchg,
 * which is first marked unknown — so a fetch register that is also the address register loses
 * its pointer before the access), then the location is written with an unknown value.
 */
function checkAtomicRmw(env: Env, insn: Insn, size: number): void {
  checkRegRead(env, insn.src);
  checkRegRead(env, insn.dst);
  if (insn.imm === op.BPF_CMPXCHG) checkRegRead(env, 0);
  const ptr = getReg(env, insn.dst);
  if (!atomicPtrTypeOk(ptr)) reject(RULES.atomicStorePtrType, insn.dst, regStr(ptr));
  const loadReg = insn.imm === op.BPF_CMPXCHG ? 0 : insn.imm & op.BPF_FETCH ? insn.src : -1;
  if (loadReg >= 0) {
    checkRegWrite(env, loadReg);
    setReg(env, loadReg, unknownScalar());
  }
  const loaded = checkMemAccess(env, insn.dst, insn.off, size, 'read', null, null, false, true);
  if (loadReg >= 0) setReg(env, loadReg, loaded ?? unknownScalar());
  // the write side carries no register (value_regno -1): a stack slot becomes plain data (MISC)
  checkMemAccess(env, insn.dst, insn.off, size, 'write', null, null, false, true);
}


