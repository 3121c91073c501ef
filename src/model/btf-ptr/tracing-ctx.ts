// BTF-typed program contexts (Linux 6.18): tracing_prog_is_valid_access() → btf_ctx_access()
// (kernel/bpf/btf.c) for tp_btf programs. The context is an array of u64, one slot per argument
// of the tracepoint (the btf_trace_<name> prototype minus its leading `void *__data`).
//
// - a load must be inside the 12 slots, a read, aligned to its size, and start on a slot;
// - integer, enum and void/int-pointer arguments load unknown scalars (at any size);
// - struct pointers need an 8-byte load and give PTR_TO_BTF_ID | PTR_TRUSTED (prog_args_trusted()
//   is true for BPF_TRACE_RAW_TP), or'ed with PTR_MAYBE_NULL for the arguments of the kernel's
//   raw_tp_null_args table.
// fentry/fexit/fmod_ret/lsm contexts (untrusted, flag-less arguments; fexit's return value slot)
// are not modelled: this machine's kernel refuses those program types, so no example could be
// confirmed, and the catalog has no prototypes of arbitrary kernel functions.
import type { SectionInfo } from '../../ir/sections.ts';
import type { CtxAccessInfo } from '../progtypes.ts';
import type { CType } from '../../btf/types.ts';
import { ModelLimit } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import { PTR_MAYBE_NULL, PTR_TRUSTED } from '../state/reg.ts';
import { kernelBtfId, kernelTracepoint, kernelType } from '../../catalog/kernel-types.ts';
import { sizeOf } from '../../btf/layout.ts';

/** MAX_BPF_FUNC_ARGS */
const MAX_FUNC_ARGS = 12;

/**
 * raw_tp_null_args entries for the tracepoints the catalog details: argument index → may be NULL.
 * Each was confirmed on 6.18 by loading every pointer argument of every catalogued tracepoint:
 * only these two load as trusted_ptr_or_null_. (The kernel's table has ~100 more entries, for
 * tracepoints the catalog has no prototypes for; none of the catalogued ones is IS_ERR-marked.)
 */
const NULLABLE_ARGS: Readonly<Record<string, readonly number[]>> = {
  kfree_skb: [3], // rx_sk
  mm_page_alloc: [0], // page
};

const fail = (ruleId: string, ...log: string[]): CtxAccessInfo => ({ ok: false, ruleId, log: log.map((l) => `${l}\n`) });

/** The 8-byte-rounded slot size of an argument (pointers 8; structs passed by value round up). */
function slotSize(t: CType): number {
  if (t.kind === 'ptr' || t.kind === 'int' || (t.kind === 'ref' && t.tag === 'enum')) return 8;
  const n = sizeOf(t, kernelType);
  if (n === undefined) throw new ModelLimit('the size of a tracepoint argument type is not in the catalog');
  return Math.ceil(n / 8) * 8;
}

/** tp_btf context access; `section` is a tracing section with expected attach type BPF_TRACE_RAW_TP. */
export function tpBtfCtxAccess(section: SectionInfo, off: number, size: number, write: boolean): CtxAccessInfo {
  // bpf_tracing_ctx_access(): no message of its own, only "invalid bpf_context access"
  if (off < 0 || off >= 8 * MAX_FUNC_ARGS || write || off % size !== 0) return { ok: false };
  const func = section.attachTo ?? '';
  const tp = kernelTracepoint(func);
  if (!tp) throw new ModelLimit(`tracepoint ${func} has no prototype in the generated catalog (add it to SELECTED_TRACEPOINTS)`);
  if (off % 8 !== 0) return fail(RULES.ctxNotMultipleOf8.id, RULES.ctxNotMultipleOf8.msg(func, off));

  // btf_ctx_arg_idx() runs over the whole prototype, `void *__data` included; btf_ctx_access()
  // then indexes the arguments after __data with it. Past the end it answers nr_args + 1.
  const full: CType[] = [{ kind: 'ptr', to: { kind: 'void' } }, ...tp.args.map((a) => a.type)];
  let arg = full.length + 1;
  let end = 0;
  for (let i = 0; i < full.length; i++) {
    end += slotSize(full[i]);
    if (off < end) {
      arg = i;
      break;
    }
  }
  const nrArgs = tp.args.length;
  // arg == nr_args is the return value slot, which tp_btf programs do not have
  if (arg >= nrArgs) return fail(RULES.ctxNoSuchArg.id, RULES.ctxNoSuchArg.msg(func, arg + 1));

  const t = tp.args[arg].type;
  if (t.kind === 'int' || t.kind === 'ref') return { ok: true }; // scalar, enum or struct by value
  if (t.kind !== 'ptr') throw new ModelLimit(`tracepoint argument of kind ${t.kind}`);
  if (size !== 8) return fail(RULES.ctxPtrSize.id, RULES.ctxPtrSize.msg(func, size));
  // is_void_or_int_ptr(): as good as a scalar, no walking through it
  if (t.to.kind === 'void' || t.to.kind === 'int') return { ok: true };
  if (t.to.kind !== 'ref' || t.to.tag === 'enum') throw new ModelLimit(`tracepoint argument pointing to a ${t.to.kind === 'ref' ? 'enum' : t.to.kind} ("is not a struct")`);
  const key = `${t.to.tag} ${t.to.name}`;
  const btfId = kernelBtfId(key);
  if (btfId === undefined) throw new ModelLimit(`no BTF id for ${key} in the generated catalog`);
  let flags = PTR_TRUSTED;
  if (NULLABLE_ARGS[func]?.includes(arg)) flags |= PTR_MAYBE_NULL;
  const log = [`func '${func}' arg${arg} has btf_id ${btfId} type ${t.to.tag.toUpperCase()} '${t.to.name}'\n`];
  return { ok: true, regType: 'btf_id', regFlags: flags, btf: key, log };
}
