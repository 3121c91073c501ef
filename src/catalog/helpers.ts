// Helper prototypes the model knows (struct bpf_func_proto in the kernel): argument kinds,
// return kind and which program types may call them. Data, not code: the model reads it.
import type { ProgTypeName } from '../ir/sections.ts';

export type HelperArg = 'anything' | 'const_map_ptr' | 'map_key' | 'map_value' | 'ctx' | 'unmodelled'
  /** ARG_PTR_TO_UNINIT_MEM followed by its ARG_CONST_SIZE_OR_ZERO: memory the helper writes. */
  | 'uninit_mem' | 'const_size_or_zero'
  /** ARG_PTR_TO_MEM | MEM_RDONLY followed by its ARG_CONST_SIZE: memory the helper reads. */
  | 'rdonly_mem' | 'const_size'
  /** ARG_PTR_TO_BTF_ID_SOCK_COMMON | OBJ_RELEASE: a referenced socket the helper releases. */
  | 'release_sock_common'
  /** bpf_kptr_xchg: ARG_KPTR_XCHG_DEST, then ARG_PTR_TO_BTF_ID_OR_NULL | OBJ_RELEASE (src/model/kptr). */
  | 'kptr_xchg_dest' | 'kptr_xchg_obj';
export type HelperRet = 'integer' | 'void' | 'map_value_or_null' | 'map_value' | 'trusted_btf_id'
  /** RET_PTR_TO_SOCKET_OR_NULL / RET_PTR_TO_SOCK_COMMON_OR_NULL. */
  | 'sock_or_null' | 'sock_common_or_null'
  /** bpf_kptr_xchg: the old field value, ptr_or_null_<field type> with a new reference. */
  | 'kptr_xchg';

export interface HelperProto {
  name: string;
  id: number;
  args: HelperArg[];
  ret: HelperRet;
  /** For 'trusted_btf_id' returns: the struct ('struct task_struct'). */
  retBtf?: string;
  /** 'base': bpf_base_func_proto (every program type); 'perfmon': base, for CAP_PERFMON loaders; or a list. */
  availability: 'base' | 'perfmon' | ProgTypeName[];
  /** fn->might_sleep: only sleepable programs, never inside RCU / non-preemptible regions. */
  mightSleep?: true;
  /** is_acquire_function(): the returned pointer carries a new reference. */
  acquire?: true;
}

/** Program types with the socket lookup helpers (tc, xdp, sk_skb, cgroup_skb and cgroup sock_addr protos). */
const SK_LOOKUP: ProgTypeName[] = ['sched_cls', 'sched_act', 'xdp', 'sk_skb', 'cgroup_skb', 'cgroup_sock_addr'];
const SK_LOOKUP_ARGS: HelperArg[] = ['ctx', 'rdonly_mem', 'const_size', 'anything', 'anything'];

export const HELPERS: HelperProto[] = [
  { name: 'bpf_map_lookup_elem', id: 1, args: ['const_map_ptr', 'map_key'], ret: 'map_value_or_null', availability: 'base' },
  { name: 'bpf_map_update_elem', id: 2, args: ['const_map_ptr', 'map_key', 'map_value', 'anything'], ret: 'integer', availability: 'base' },
  { name: 'bpf_map_delete_elem', id: 3, args: ['const_map_ptr', 'map_key'], ret: 'integer', availability: 'base' },
  { name: 'bpf_copy_from_user', id: 148, args: ['uninit_mem', 'const_size_or_zero', 'anything'], ret: 'integer', availability: ['kprobe', 'tracepoint', 'perf_event', 'raw_tracepoint', 'tracing', 'lsm', 'syscall'], mightSleep: true },
  { name: 'bpf_tail_call', id: 12, args: ['ctx', 'const_map_ptr', 'anything'], ret: 'void', availability: 'base' },
  { name: 'bpf_ktime_get_ns', id: 5, args: [], ret: 'integer', availability: 'base' },
  { name: 'bpf_get_prandom_u32', id: 7, args: [], ret: 'integer', availability: 'base' },
  { name: 'bpf_get_smp_processor_id', id: 8, args: [], ret: 'integer', availability: 'base' },
  { name: 'bpf_get_current_pid_tgid', id: 14, args: [], ret: 'integer', availability: 'base' },
  { name: 'bpf_skb_store_bytes', id: 9, args: ['ctx', 'anything', 'unmodelled', 'unmodelled', 'anything'], ret: 'integer', availability: ['sched_cls', 'sched_act', 'lwt_xmit', 'sk_skb'] },
  { name: 'bpf_ktime_get_boot_ns', id: 125, args: [], ret: 'integer', availability: 'base' },
  { name: 'bpf_get_current_task_btf', id: 158, args: [], ret: 'trusted_btf_id', retBtf: 'struct task_struct', availability: 'perfmon' },
  { name: 'bpf_sk_lookup_tcp', id: 84, args: SK_LOOKUP_ARGS, ret: 'sock_or_null', availability: SK_LOOKUP, acquire: true },
  { name: 'bpf_sk_lookup_udp', id: 85, args: SK_LOOKUP_ARGS, ret: 'sock_or_null', availability: SK_LOOKUP, acquire: true },
  { name: 'bpf_skc_lookup_tcp', id: 99, args: SK_LOOKUP_ARGS, ret: 'sock_common_or_null', availability: SK_LOOKUP, acquire: true },
  { name: 'bpf_sk_release', id: 86, args: ['release_sock_common'], ret: 'integer', availability: [...SK_LOOKUP, 'sk_lookup'] },
  { name: 'bpf_kptr_xchg', id: 194, args: ['kptr_xchg_dest', 'kptr_xchg_obj'], ret: 'kptr_xchg', availability: 'perfmon' },
  { name: 'bpf_jiffies64', id: 118, args: [], ret: 'integer', availability: 'base' },
];

const byId = new Map(HELPERS.map((h) => [h.id, h]));
const byName = new Map(HELPERS.map((h) => [h.name, h]));

export const helperById = (id: number): HelperProto | undefined => byId.get(id);
export const helperByName = (name: string): HelperProto | undefined => byName.get(name);

export function helperAllowed(h: HelperProto, progType: ProgTypeName, privileged: boolean): boolean {
  if (h.availability === 'base') return true;
  if (h.availability === 'perfmon') return privileged;
  return h.availability.includes(progType);
}
