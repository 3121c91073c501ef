// The life of a referenced kernel object (a KF_ACQUIRE result, a socket from bpf_sk_lookup_*, a
// kptr taken out of a map), as data: each program event, the state that follows, and the rule
// that refuses it. The site draws the ownership diagram from this table; a test ties every rule
// here to the catalogue and to a corpus example that shows the refusal. Local objects from
// bpf_obj_new (owning / non-owning references, bpf_refcount) join when the model covers them.

export type RefState =
  /** just acquired by a KF_ACQUIRE | KF_RET_NULL kfunc: may be NULL, the reference is held */
  | 'maybe-null'
  /** NULL-checked: a trusted pointer that carries the reference (`ref_obj_id`) */
  | 'referenced'
  /** the NULL branch of the check: no object, no reference */
  | 'null'
  /** given back: the reference is gone and every copy of the pointer is invalid */
  | 'released'
  /** stored into a map's kptr field with bpf_kptr_xchg: the map owns the reference now */
  | 'in-map';

export type RefEvent = 'null-check' | 'release' | 'kptr-xchg' | 'use' | 'exit';

export interface RefTransition {
  from: RefState;
  event: RefEvent;
  to?: RefState;
  /** For the NULL check: the other branch. */
  alsoTo?: RefState;
  rule?: string;
  label: string;
}

export const REF_LIFECYCLE: readonly RefTransition[] = [
  { from: 'maybe-null', event: 'null-check', to: 'referenced', alsoTo: 'null', label: 'if (p) — narrows every copy' },
  { from: 'maybe-null', event: 'release', rule: 'kfunc.arg.possibly-null', label: 'release before the NULL check' },
  { from: 'maybe-null', event: 'use', rule: 'btf.ptr.maybe-null', label: 'load before the NULL check' },
  { from: 'maybe-null', event: 'exit', rule: 'ref.leak.exit', label: 'exit while held' },
  { from: 'referenced', event: 'release', to: 'released', label: 'KF_RELEASE kfunc / release helper' },
  { from: 'referenced', event: 'kptr-xchg', to: 'in-map', label: 'bpf_kptr_xchg(map field, p)' },
  { from: 'referenced', event: 'exit', rule: 'ref.leak.exit', label: 'exit while held' },
  { from: 'released', event: 'use', rule: 'core.mem.invalid-type', label: 'any copy used after the release' },
  { from: 'released', event: 'release', rule: 'kfunc.arg.mem-pointee', label: 'released again: the copy is a plain scalar now' },
  { from: 'in-map', event: 'use', rule: 'core.mem.invalid-type', label: 'the stored pointer used after the exchange' },
];
