// Register state (struct bpf_reg_state): a base type, type flags, a fixed offset and the
// scalar domain for the value (scalars) or the variable part of the offset (pointers).
// Registers are immutable values so verifier states can share them between branches.
import { scalarKnown, scalarUnknown, type ScalarBounds } from '../scalar/scalar.ts';
import { tnumIsConst } from '../scalar/tnum.ts';

export type BaseType =
  | 'not_init' | 'scalar' | 'ctx' | 'map_ptr' | 'map_value' | 'map_key' | 'stack' | 'pkt' | 'pkt_meta' | 'pkt_end'
  | 'flow_keys' | 'sock' | 'sock_common' | 'tcp_sock' | 'tp_buffer' | 'xdp_sock' | 'btf_id' | 'mem' | 'buf' | 'func'
  | 'dynptr_ptr' | 'insn' | 'arena';

/** Type flags (enum bpf_type_flag). */
export const PTR_MAYBE_NULL = 1 << 0;
export const MEM_RDONLY = 1 << 1;
export const MEM_RINGBUF = 1 << 2;
export const MEM_USER = 1 << 3;
export const MEM_PERCPU = 1 << 4;
export const OBJ_RELEASE = 1 << 5;
export const PTR_UNTRUSTED = 1 << 6;
export const MEM_UNINIT = 1 << 7;
export const DYNPTR_TYPE_LOCAL = 1 << 8;
export const MEM_FIXED_SIZE = 1 << 12;
export const MEM_ALLOC = 1 << 13;
export const PTR_TRUSTED = 1 << 14;
export const MEM_RCU = 1 << 15;
export const NON_OWN_REF = 1 << 16;

/** An open-coded iterator's state, kept in the spilled_ptr of its stack slots (reg->iter). */
export interface IterInfo {
  /** The iterator struct, e.g. 'bpf_iter_num' (iter.btf_id). */
  readonly type: string;
  /** BPF_ITER_STATE_ACTIVE or BPF_ITER_STATE_DRAINED. */
  readonly state: 'active' | 'drained';
  /** Loop iterations simulated so far on this path (only the infinite-loop check reads it). */
  readonly depth: number;
}

export interface Reg {
  readonly type: BaseType;
  readonly flags: number;
  /** Fixed part of a pointer's offset (reg->off). */
  readonly off: number;
  /** Scalar value, or a pointer's variable offset. */
  readonly s: ScalarBounds;
  readonly id: number;
  readonly refObjId: number;
  readonly precise: boolean;
  /** Map (index into program.maps) for map_ptr / map_value / map_key. */
  readonly map?: number;
  /** BTF type key ('struct task_struct') for btf_id pointers and allocated objects. */
  readonly btf?: string;
  /** Size of the memory region for mem / rdonly_mem. */
  readonly memSize?: number;
  /** Frame number a stack pointer points into. */
  readonly frameno?: number;
  /** Packet range proven by comparisons with pkt_end. */
  readonly range?: number;
  /** Subprogram a func pointer refers to. */
  readonly subprog?: number;
  /** Iterator stack slots only: which iterator, its state and depth. */
  readonly iter?: IterInfo;
}

const UNKNOWN = scalarUnknown();

export const NOT_INIT: Reg = Object.freeze({ type: 'not_init', flags: 0, off: 0, s: UNKNOWN, id: 0, refObjId: 0, precise: false });

export function scalarReg(s: ScalarBounds, id = 0, precise = false): Reg {
  return { type: 'scalar', flags: 0, off: 0, s, id, refObjId: 0, precise };
}
export const unknownScalar = (): Reg => scalarReg(UNKNOWN);
export const knownScalar = (v: bigint): Reg => scalarReg(scalarKnown(v));

export function ptrReg(type: BaseType, fields: Partial<Reg> = {}): Reg {
  return { type, flags: 0, off: 0, s: scalarKnown(0n), id: 0, refObjId: 0, precise: false, ...fields };
}

export const withReg = (r: Reg, f: Partial<Reg>): Reg => ({ ...r, ...f });

export const isScalar = (r: Reg): boolean => r.type === 'scalar';
export const isPointer = (r: Reg): boolean => r.type !== 'scalar' && r.type !== 'not_init';
export const isMaybeNull = (r: Reg): boolean => (r.flags & PTR_MAYBE_NULL) !== 0;
export const isConstScalar = (r: Reg): boolean => r.type === 'scalar' && tnumIsConst(r.s.varOff);
export const regIsNull = (r: Reg): boolean => r.type === 'scalar' && tnumIsConst(r.s.varOff) && r.s.varOff.value === 0n;

const BASE_STR: Record<BaseType, string> = {
  not_init: '?', scalar: 'scalar', ctx: 'ctx', map_ptr: 'map_ptr', map_value: 'map_value', stack: 'fp', pkt: 'pkt',
  pkt_meta: 'pkt_meta', pkt_end: 'pkt_end', flow_keys: 'flow_keys', sock: 'sock', sock_common: 'sock_common',
  tcp_sock: 'tcp_sock', tp_buffer: 'tp_buffer', xdp_sock: 'xdp_sock', btf_id: 'ptr_', mem: 'mem', buf: 'buf',
  func: 'func', map_key: 'map_key', dynptr_ptr: 'dynptr_ptr', insn: 'insn', arena: 'arena',
};

/** reg_type_str(): the type as the log and messages spell it, e.g. `map_value_or_null`, `trusted_ptr_`. */
export function regTypeStr(type: BaseType, flags: number): string {
  const postfix = flags & PTR_MAYBE_NULL ? (type === 'btf_id' ? 'or_null_' : '_or_null') : '';
  const prefix =
    (flags & MEM_RDONLY ? 'rdonly_' : '') + (flags & MEM_RINGBUF ? 'ringbuf_' : '') + (flags & MEM_USER ? 'user_' : '') +
    (flags & MEM_PERCPU ? 'percpu_' : '') + (flags & MEM_RCU ? 'rcu_' : '') + (flags & PTR_UNTRUSTED ? 'untrusted_' : '') +
    (flags & PTR_TRUSTED ? 'trusted_' : '');
  return prefix + BASE_STR[type] + postfix;
}

export const regStr = (r: Reg): string => regTypeStr(r.type, r.flags);
