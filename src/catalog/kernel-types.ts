// Typed access to the kernel catalog generated from vmlinux BTF by scripts/gen-kernel-catalog.ts
// (run `npm run gen:catalog` on the target kernel to refresh it). Works in Node, Vite and vitest.

import typesData from './generated/kernel-types.json' with { type: 'json' };
import funcsData from './generated/kernel-funcs.json' with { type: 'json' };
import tracepointsData from './generated/kernel-tracepoints.json' with { type: 'json' };
import btfPtrData from './generated/kernel-btf-ptr.json' with { type: 'json' };
import type { AggregateDef, CType, EnumDef, FuncParam, NamedTypeDef, TypeTable } from '../btf/types.ts';

/** EnumDef as stored in JSON: values are decimal strings (JSON has no bigint). */
type EnumDefJson = Omit<EnumDef, 'values'> & { values: { name: string; value: string }[] };

interface TypesJson {
  kernel: string;
  roots: string[];
  missingRoots: string[];
  types: Record<string, AggregateDef | EnumDefJson>;
}

export interface KernelKfunc {
  name: string;
  /** BTF id of the FUNC in the vmlinux the catalog was generated from. */
  btfId: number;
  proto: { ret: CType; params: FuncParam[] };
  /** Decl tags besides 'bpf_kfunc', e.g. 'bpf_fastcall'. */
  declTags?: string[];
}

interface FuncsJson {
  kernel: string;
  kfuncSource: string;
  kfuncs: Record<string, Omit<KernelKfunc, 'name'>>;
  helpers: Record<string, { id: number }>;
}

export interface KernelTracepoint {
  name: string;
  /** BTF id of the typedef btf_trace_<name> (the tp_btf attach_btf_id). */
  btfId: number;
  /** Tracepoint arguments (after the implicit ctx). */
  args: FuncParam[];
  /** Which __bpf_trace_<class> function the argument names came from, or 'argN'. */
  argNamesFrom: string;
}

interface TracepointsJson {
  kernel: string;
  count: number;
  missing: string[];
  tracepoints: Record<string, Omit<KernelTracepoint, 'name'>>;
  names: string[];
}

const TYPES = typesData as unknown as TypesJson;
const FUNCS = funcsData as unknown as FuncsJson;
const TPS = tracepointsData as unknown as TracepointsJson;

const own = <V>(rec: Record<string, V>, key: string): V | undefined =>
  Object.hasOwn(rec, key) ? rec[key] : undefined;

let typeDefs: ReadonlyMap<string, NamedTypeDef> | undefined;

const revive = (def: AggregateDef | EnumDefJson): NamedTypeDef =>
  def.kind === 'enum'
    ? { ...def, values: def.values.map((v) => ({ name: v.name, value: BigInt(v.value) })) }
    : def;

const allTypes = (): ReadonlyMap<string, NamedTypeDef> => {
  if (!typeDefs) {
    const m = new Map<string, NamedTypeDef>();
    for (const [key, def] of Object.entries(TYPES.types)) m.set(key, revive(def));
    typeDefs = m;
  }
  return typeDefs;
};

/** `uname -r` of the kernel the catalog was generated on. */
export function kernelRelease(): string {
  return TYPES.kernel;
}

/**
 * The kernel's struct/union/enum definitions, keyed 'struct task_struct' etc. A new Map each
 * call (callers may add their own types to it); the definitions are shared: do not mutate them.
 */
export function kernelTypes(): TypeTable {
  return new Map(allTypes());
}

/** One definition by key ('struct task_struct'), or undefined. */
export function kernelType(key: string): NamedTypeDef | undefined {
  return allTypes().get(key);
}

/** The kfunc `name` (a FUNC carrying the bpf_kfunc decl tag), or undefined. */
export function kernelKfunc(name: string): KernelKfunc | undefined {
  const k = own(FUNCS.kfuncs, name);
  return k && { name, ...k };
}

/** Names of all kfuncs in the catalog, sorted. */
export function kernelKfuncNames(): string[] {
  return Object.keys(FUNCS.kfuncs);
}

/** The helper id of `name` (e.g. 'bpf_map_lookup_elem' → 1), or undefined. */
export function kernelHelperId(name: string): number | undefined {
  return own(FUNCS.helpers, name)?.id;
}

let helperNames: Map<number, string> | undefined;

/** The helper name of an id (1 → 'bpf_map_lookup_elem'), or undefined. */
export function kernelHelperName(id: number): string | undefined {
  if (!helperNames) {
    helperNames = new Map(Object.entries(FUNCS.helpers).map(([name, h]) => [h.id, name]));
  }
  return helperNames.get(id);
}

/** Names of all helpers, sorted by name. */
export function kernelHelperNames(): string[] {
  return Object.keys(FUNCS.helpers);
}

/** A raw tracepoint with its prototype, for the selected ones the catalog details. */
export function kernelTracepoint(name: string): KernelTracepoint | undefined {
  const t = own(TPS.tracepoints, name);
  return t && { name, ...t };
}

/** Whether the kernel has the raw tracepoint (btf_trace_<name>), detailed or not. */
export function kernelHasTracepoint(name: string): boolean {
  return tracepointSet().has(name);
}

let tpNames: Set<string> | undefined;
const tracepointSet = (): Set<string> => (tpNames ??= new Set(TPS.names));

/** Names of all raw tracepoints, sorted. */
export function kernelTracepointNames(): readonly string[] {
  return TPS.names;
}

/** Number of raw tracepoints (btf_trace_* typedefs) in the kernel. */
export function kernelTracepointCount(): number {
  return TPS.count;
}

// ---------------------------------------------------------------------------------------------
// BTF-typed pointers (kernel-btf-ptr.json)

/** Which BTF_TYPE_SAFE_* list of the verifier a pointer field is in. */
export type SafeKind = 'trusted' | 'trusted_or_null' | 'rcu' | 'rcu_or_null';

/** One pointer field of a BTF_TYPE_SAFE_* list: field name and pointee ('struct cgroup'). */
export interface SafeField {
  field: string;
  to: string;
}

interface BtfPtrJson {
  kernel: string;
  typeTags: string[];
  safe: Record<string, Partial<Record<SafeKind, SafeField[]>>>;
  btfIds: Record<string, number>;
}

const BTF_PTR = btfPtrData as unknown as BtfPtrJson;

/**
 * The fields of `<struct>__safe_<kind>` (the kernel emits these BTF_TYPE_SAFE_* structs into
 * vmlinux BTF, so the lists are read from the running kernel, not from its sources).
 */
export function kernelSafeFields(structKey: string, kind: SafeKind): readonly SafeField[] {
  return own(BTF_PTR.safe, structKey)?.[kind] ?? [];
}

/** BTF id of a named struct/union the catalog knows ('struct task_struct' → 114), or undefined. */
export function kernelBtfId(key: string): number | undefined {
  return own(BTF_PTR.btfIds, key);
}

/** Values of the btf_type_tag()s present in vmlinux BTF ('rcu', 'user', 'percpu'); [] on GCC builds. */
export function kernelBtfTypeTags(): readonly string[] {
  return BTF_PTR.typeTags;
}
