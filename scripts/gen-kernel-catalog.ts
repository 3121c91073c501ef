// Generates the kernel type / function catalog the verifier model reads, from the running
// kernel's BTF (/sys/kernel/btf/vmlinux):
//   src/catalog/generated/kernel-types.json        struct/union/enum definitions
//   src/catalog/generated/kernel-funcs.json        kfuncs (bpf_kfunc decl tag) and helper ids
//   src/catalog/generated/kernel-tracepoints.json  raw tracepoints for tp_btf
// Output is deterministic: keys sorted, a fixed pretty-printing.
//
// Usage: node scripts/gen-kernel-catalog.ts [--btf PATH] [--release NAME] [--out DIR]
//                                            [--kfunc-list FILE]
// Kfuncs are the FUNCs carrying the 'bpf_kfunc' decl tag (pahole >= 1.26 emits it). For BTF
// without those tags, --kfunc-list names a file of kfunc names (one per line, e.g. gathered from
// the kernel sources' BTF_ID_FLAGS(func, ...) sets), matched against BTF FUNC names.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBtf, type BtfFuncProto, type ParsedBtf } from '../src/btf/btf-parse.ts';
import { createCTypeConverter, type CTypeConverter } from '../src/btf/btf-to-ctype.ts';
import { hasKfuncTags, loadVmlinuxBtf, VMLINUX_BTF_PATH } from '../src/btf/vmlinux.ts';
import type { CType, FuncParam, NamedTypeDef } from '../src/btf/types.ts';

/** Aggregates the catalog is rooted at; everything they embed by value comes along. */
export const ROOT_TYPES: readonly string[] = [
  'task_struct', 'cgroup', 'cgroup_subsys_state', 'mem_cgroup', 'css_set', 'vm_area_struct',
  'mm_struct', 'cpumask', 'bpf_cpumask', 'file', 'inode', 'sock', 'sock_common', 'sk_buff',
  '__sk_buff', 'xdp_md', 'xdp_buff', 'bpf_sock', 'bpf_sock_ops', 'bpf_raw_tracepoint_args',
  'pt_regs', 'bpf_iter_num', 'bpf_iter_task', 'bpf_iter_css', 'bpf_iter_css_task',
  'bpf_iter_task_vma', 'bpf_iter_bits', 'bpf_iter_kmem_cache', 'bpf_iter_dmabuf', 'bpf_dynptr',
  'bpf_spin_lock', 'bpf_list_head', 'bpf_list_node', 'bpf_rb_root', 'bpf_rb_node',
  'bpf_refcount', 'bpf_wq', 'bpf_timer', 'bpf_task_work', 'bpf_res_spin_lock',
  'callback_head' /* struct rcu_head is #define'd to it */, 'path', 'dentry', 'bpf_crypto_ctx', 'bpf_crypto_params', 'bpf_map', 'bpf_sock_addr',
  'bpf_sockopt', 'bpf_sk_lookup', 'bpf_perf_event_data', 'bpf_cgroup_dev_ctx',
  'bpf_sysctl', 'sk_msg_md', 'sk_reuseport_md', 'bpf_nf_ctx', 'bpf_flow_keys', 'kmem_cache',
  // Structs BTF-typed pointers reach (tp_btf arguments, walked pointer fields, the kernel's
  // BTF_TYPE_SAFE_* lists): loads through them are checked against these layouts.
  'linux_binprm', 'cred', 'kernfs_node', 'pid', 'nsproxy', 'signal_struct', 'socket',
  'request_sock', 'irqaction', 'kernel_siginfo', 'k_sigaction', 'work_struct', 'seq_file',
  'bpf_iter_meta', 'files_struct', 'sighand_struct', 'page',
];

/** Raw tracepoints whose prototypes are emitted (all names are listed regardless). */
export const SELECTED_TRACEPOINTS: readonly string[] = [
  'sched_switch', 'sched_process_exec', 'sched_process_fork', 'sched_process_exit',
  'sched_process_free', 'sched_wakeup', 'sched_wakeup_new', 'sched_waking', 'sched_migrate_task',
  'sched_stat_runtime', 'task_newtask', 'task_rename', 'sys_enter', 'sys_exit', 'cgroup_mkdir',
  'cgroup_rmdir', 'cgroup_attach_task', 'cgroup_release', 'kfree_skb', 'consume_skb',
  'netif_receive_skb', 'net_dev_queue', 'irq_handler_entry', 'irq_handler_exit', 'softirq_entry',
  'softirq_exit', 'signal_generate', 'signal_deliver', 'mm_page_alloc', 'kmalloc', 'kfree',
  'contention_begin', 'contention_end', 'block_rq_issue', 'block_rq_complete',
  'tcp_retransmit_skb', 'inet_sock_set_state', 'bpf_test_finish', 'cpu_frequency',
  'workqueue_execute_start', 'module_load',
];

// ---------------------------------------------------------------------------------------------
// Types

export interface TypesCatalog {
  roots: string[];
  missing: string[];
  types: Map<string, NamedTypeDef>;
}

/** Every struct/union/enum reachable by value from the roots (plus anonymous pointees). */
export function collectTypes(btf: ParsedBtf, conv: CTypeConverter, roots: readonly string[]): TypesCatalog {
  const types = new Map<string, NamedTypeDef>();
  const visited = new Set<number>();
  const found: string[] = [];
  const missing: string[] = [];

  const visitType = (id: number, depth: number): void => {
    if (depth > 64) throw new Error(`type ${id} nests too deeply`);
    let cur = id;
    // Look through modifiers (type tags included).
    for (;;) {
      if (cur === 0) return;
      const t = btf.type(cur);
      if (t.kind === 'typedef' || t.kind === 'const' || t.kind === 'volatile' || t.kind === 'restrict' || t.kind === 'type_tag') {
        cur = t.type;
        continue;
      }
      break;
    }
    const t = btf.type(cur);
    switch (t.kind) {
      case 'struct':
      case 'union':
      case 'enum':
      case 'enum64':
        addDef(t.id, depth);
        return;
      case 'array':
        visitType(t.elemType, depth + 1);
        return;
      case 'ptr': {
        // Pointers stay refs by name, except anonymous pointees, which have no other way in.
        let p = t.type;
        for (;;) {
          if (p === 0) return;
          const pt = btf.type(p);
          if (pt.kind === 'typedef' || pt.kind === 'const' || pt.kind === 'volatile' || pt.kind === 'restrict' || pt.kind === 'type_tag') {
            p = pt.type;
            continue;
          }
          if ((pt.kind === 'struct' || pt.kind === 'union' || pt.kind === 'enum' || pt.kind === 'enum64') && pt.name === '') {
            addDef(pt.id, depth + 1);
          }
          return;
        }
      }
      default:
        return;
    }
  };

  const addDef = (id: number, depth: number): void => {
    if (visited.has(id)) return;
    visited.add(id);
    const def = conv.named(id);
    types.set(`${def.kind} ${def.name}`, def);
    const t = btf.type(id);
    if (t.kind === 'struct' || t.kind === 'union') {
      for (const m of t.members) visitType(m.type, depth + 1);
    }
  };

  for (const name of roots) {
    const id = btf.find('struct', name) ?? btf.find('union', name);
    if (id === undefined) {
      missing.push(name);
      continue;
    }
    found.push(`${btf.type(id).kind} ${name}`);
    addDef(id, 0);
  }
  return { roots: found.sort(), missing: [...missing].sort(), types };
}

// ---------------------------------------------------------------------------------------------
// Functions

export interface KfuncEntry {
  btfId: number;
  proto: { ret: CType; params: FuncParam[] };
  /** Decl tags on the function other than 'bpf_kfunc', e.g. 'bpf_fastcall'. */
  declTags?: string[];
}

/**
 * Kfuncs: FUNCs with the 'bpf_kfunc' decl tag, or, when `names` is given, the FUNCs of those
 * names (for BTF whose pahole did not emit the tag).
 */
export function collectKfuncs(btf: ParsedBtf, conv: CTypeConverter, names?: readonly string[]): Map<string, KfuncEntry> {
  const out = new Map<string, KfuncEntry>();
  const funcIds = names
    ? names.flatMap((n) => btf.findAll('func', n))
    : btf
        .ownTypes()
        .filter((t) => t.kind === 'decl_tag' && t.name === 'bpf_kfunc' && t.componentIdx === -1)
        .map((t) => (t.kind === 'decl_tag' ? t.type : 0));
  for (const fnId of funcIds) {
    const fn = btf.type(fnId);
    if (fn.kind !== 'func') continue;
    const sig = conv.funcSignature(fn.id);
    const entry: KfuncEntry = { btfId: fn.id, proto: { ret: sig.ret, params: sig.params } };
    const other = btf
      .declTags(fn.id, -1)
      .map((r) => r.value)
      .filter((v) => v !== 'bpf_kfunc')
      .sort();
    if (other.length > 0) entry.declTags = other;
    const prev = out.get(fn.name);
    if (prev === undefined || prev.btfId > fn.id) out.set(fn.name, entry);
  }
  return out;
}

/** Helper names and ids from the UAPI enum bpf_func_id (BPF_FUNC_x = n → bpf_x). */
export function collectHelpers(btf: ParsedBtf): Map<string, { id: number }> {
  const out = new Map<string, { id: number }>();
  const enumId = btf.find('enum', 'bpf_func_id');
  if (enumId === undefined) throw new Error('enum bpf_func_id not found in BTF');
  const t = btf.type(enumId);
  if (t.kind !== 'enum') throw new Error('bpf_func_id is not an enum');
  for (const v of t.values) {
    const m = /^BPF_FUNC_(\w+)$/.exec(v.name);
    if (!m || v.value === 0n) continue; // BPF_FUNC_unspec, __BPF_FUNC_MAX_ID
    out.set(`bpf_${m[1]}`, { id: Number(v.value) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tracepoints

export interface TracepointEntry {
  /** BTF id of the typedef btf_trace_<name> (the tp_btf attach_btf_id). */
  btfId: number;
  /** The tracepoint arguments: the prototype's params after the leading void *ctx. */
  args: FuncParam[];
  /** Where the argument names came from: the __bpf_trace_<class> function, or 'argN'. */
  argNamesFrom: string;
}

export function tracepointProto(btf: ParsedBtf, typedefId: number): BtfFuncProto | undefined {
  const td = btf.type(typedefId);
  if (td.kind !== 'typedef') return undefined;
  const ptr = btf.maybeType(td.type);
  if (ptr?.kind !== 'ptr') return undefined;
  const proto = btf.maybeType(ptr.type);
  return proto?.kind === 'func_proto' ? proto : undefined;
}

export function collectTracepoints(
  btf: ParsedBtf,
  conv: CTypeConverter,
  selected: readonly string[],
): { names: string[]; entries: Map<string, TracepointEntry>; missing: string[] } {
  const byName = new Map<string, number>();
  for (const t of btf.ownTypes()) {
    if (t.kind === 'typedef' && t.name.startsWith('btf_trace_') && tracepointProto(btf, t.id)) {
      const name = t.name.slice('btf_trace_'.length);
      if (!byName.has(name)) byName.set(name, t.id);
    }
  }
  // __bpf_trace_<class>(void *__data, args...) carries the argument names the typedef lacks.
  const classFuncs: { cls: string; proto: BtfFuncProto }[] = [];
  for (const t of btf.ownTypes()) {
    if (t.kind !== 'func' || !t.name.startsWith('__bpf_trace_')) continue;
    const proto = btf.maybeType(t.type);
    if (proto?.kind === 'func_proto') classFuncs.push({ cls: t.name.slice('__bpf_trace_'.length), proto });
  }
  const sameTypes = (a: BtfFuncProto, b: BtfFuncProto): boolean =>
    a.params.length === b.params.length && a.params.every((p, i) => i === 0 || p.type === b.params[i]?.type);

  const entries = new Map<string, TracepointEntry>();
  const missing: string[] = [];
  for (const name of selected) {
    const id = byName.get(name);
    const proto = id === undefined ? undefined : tracepointProto(btf, id);
    if (id === undefined || proto === undefined) {
      missing.push(name);
      continue;
    }
    const candidates = classFuncs.filter((c) => sameTypes(c.proto, proto));
    // Prefer the event's own class (TRACE_EVENT), then the longest class name the event name
    // starts with (DEFINE_EVENT(class, class_xxx)), then any candidate if all agree on names.
    // Failing that, the candidates sharing the longest name prefix with the event (e.g.
    // sched_wakeup_template for sched_wakeup), if they all agree on the names.
    let pick = candidates.find((c) => c.cls === name);
    if (!pick) {
      pick = candidates
        .filter((c) => name.startsWith(c.cls))
        .sort((a, b) => b.cls.length - a.cls.length || a.cls.localeCompare(b.cls))[0];
    }
    if (!pick && candidates.length > 0) {
      const common = (a: string): number => {
        let i = 0;
        while (i < a.length && i < name.length && a[i] === name[i]) i++;
        return i;
      };
      const best = Math.max(...candidates.map((c) => common(c.cls)));
      const tied = candidates.filter((c) => common(c.cls) === best).sort((a, b) => a.cls.localeCompare(b.cls));
      const key = (c: { proto: BtfFuncProto }): string => c.proto.params.map((p) => p.name).join(',');
      const first = tied[0];
      if (first && tied.every((c) => key(c) === key(first))) pick = first;
    }
    const args: FuncParam[] = proto.params.slice(1).map((p, i) => ({
      name: pick?.proto.params[i + 1]?.name || `arg${i}`,
      type: conv.ctype(p.type),
    }));
    entries.set(name, { btfId: id, args, argNamesFrom: pick ? `__bpf_trace_${pick.cls}` : 'argN' });
  }
  return { names: [...byName.keys()].sort(), entries, missing: missing.sort() };
}

// ---------------------------------------------------------------------------------------------
// BTF-typed pointers: trust lists, type tags, type ids

/** One pointer field of a BTF_TYPE_SAFE_* list: the field name and the struct it points to. */
export interface SafeField {
  field: string;
  to: string;
}

export interface BtfPtrCatalog {
  /** Values of the btf_type_tag()s in the BTF ('rcu', 'user', 'percpu'); GCC-built kernels may have none. */
  typeTags: string[];
  /** '<struct>__safe_<kind>' structs (BTF_TYPE_SAFE_RCU etc.), keyed 'struct task_struct' then kind ('rcu', 'trusted_or_null', ...). */
  safe: Map<string, Record<string, SafeField[]>>;
  /** BTF ids of the named structs/unions the catalog knows (printed by btf_ctx_access). */
  btfIds: Map<string, number>;
}

const SAFE_SUFFIXES = ['rcu_or_null', 'rcu', 'trusted_or_null', 'trusted'] as const;

export function collectBtfPtr(btf: ParsedBtf, conv: CTypeConverter, keys: Iterable<string>): BtfPtrCatalog {
  const tags = new Set<string>();
  const safe = new Map<string, Record<string, SafeField[]>>();
  for (const t of btf.ownTypes()) {
    if (t.kind === 'type_tag' && !t.attribute) tags.add(t.name);
    if (t.kind !== 'struct' || !t.name.includes('__safe_')) continue;
    const at = t.name.indexOf('__safe_');
    const kind = SAFE_SUFFIXES.find((k) => t.name.slice(at + '__safe_'.length) === k);
    if (kind === undefined) continue;
    const def = conv.named(t.id);
    if (def.kind === 'enum') continue;
    const fields: SafeField[] = [];
    for (const m of def.members) {
      if (m.type.kind === 'ptr' && m.type.to.kind === 'ref') fields.push({ field: m.name, to: `${m.type.to.tag} ${m.type.to.name}` });
    }
    const key = `struct ${t.name.slice(0, at)}`;
    const rec = safe.get(key) ?? {};
    rec[kind] = fields;
    safe.set(key, rec);
  }
  const btfIds = new Map<string, number>();
  for (const key of keys) {
    const [tag, name] = key.split(' ') as [string, string];
    if ((tag !== 'struct' && tag !== 'union') || name.startsWith('__anon_')) continue;
    const id = btf.find(tag, name);
    if (id !== undefined) btfIds.set(key, id);
  }
  return { typeTags: [...tags].sort(), safe, btfIds };
}

// ---------------------------------------------------------------------------------------------
// Deterministic JSON

const sortedObject = <V>(m: Map<string, V>): Record<string, V> => {
  const o: Record<string, V> = {};
  for (const k of [...m.keys()].sort()) o[k] = m.get(k) as V;
  return o;
};

/** JSON with bigints as decimal strings; a value is printed on one line when it fits. */
export function formatJson(value: unknown, width = 100): string {
  const plain = (v: unknown): string =>
    JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? 'null';
  const fmt = (v: unknown, indent: string, prefixLen: number): string => {
    const one = plain(v);
    if (typeof v !== 'object' || v === null || indent.length + prefixLen + one.length <= width) return one;
    const inner = indent + '  ';
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[\n${v.map((x) => inner + fmt(x, inner, 0)).join(',\n')}\n${indent}]`;
    }
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries
      .map(([k, x]) => {
        const key = `${JSON.stringify(k)}: `;
        return inner + key + fmt(x, inner, key.length);
      })
      .join(',\n')}\n${indent}}`;
  };
  return fmt(value, '', 0) + '\n';
}

// ---------------------------------------------------------------------------------------------

function main(argv: string[]): void {
  const arg = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const here = dirname(fileURLToPath(import.meta.url));
  const outDir = resolve(arg('--out') ?? join(here, '../src/catalog/generated'));
  const btfPath = arg('--btf') ?? VMLINUX_BTF_PATH;
  const kernel = arg('--release') ?? release();

  let btf: ParsedBtf;
  if (btfPath === VMLINUX_BTF_PATH) {
    const loaded = loadVmlinuxBtf();
    if (!loaded.btf) throw new Error(loaded.reason);
    btf = loaded.btf;
  } else {
    btf = parseBtf(readFileSync(btfPath));
  }
  const conv = createCTypeConverter(btf);

  const kfuncList = arg('--kfunc-list');
  let kfuncSource = 'bpf_kfunc decl tags in vmlinux BTF';
  let kfuncNames: string[] | undefined;
  if (kfuncList !== undefined) {
    kfuncNames = readFileSync(kfuncList, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    kfuncSource = `BTF FUNCs named in ${kfuncList}`;
  } else if (!hasKfuncTags(btf)) {
    throw new Error(
      'this BTF has no bpf_kfunc decl tags (pahole < 1.26?): pass --kfunc-list FILE with the kfunc names from the kernel sources',
    );
  }
  const kfuncs = collectKfuncs(btf, conv, kfuncNames);
  // The structs kfuncs take or return pointers to are roots too: the verifier checks accesses
  // through those pointers against their layout.
  const kfuncPointees = new Set<string>();
  for (const k of kfuncs.values()) {
    for (const t of [k.proto.ret, ...k.proto.params.map((p) => p.type)]) {
      if (t.kind === 'ptr' && t.to.kind === 'ref' && t.to.tag !== 'enum') kfuncPointees.add(t.to.name);
    }
  }
  const roots = [...new Set([...ROOT_TYPES, ...[...kfuncPointees].sort()])];
  const typesCat = collectTypes(btf, conv, roots);
  const helpers = collectHelpers(btf);
  const tps = collectTracepoints(btf, conv, SELECTED_TRACEPOINTS);
  const idKeys = new Set(typesCat.types.keys());
  for (const e of tps.entries.values()) {
    for (const a of e.args) if (a.type.kind === 'ptr' && a.type.to.kind === 'ref') idKeys.add(`${a.type.to.tag} ${a.type.to.name}`);
  }
  const btfPtr = collectBtfPtr(btf, conv, [...idKeys].sort());

  mkdirSync(outDir, { recursive: true });
  const write = (file: string, value: unknown): number => {
    const text = formatJson(value);
    writeFileSync(join(outDir, file), text);
    return Buffer.byteLength(text);
  };
  const typesSize = write('kernel-types.json', {
    kernel,
    roots: typesCat.roots,
    missingRoots: typesCat.missing,
    types: sortedObject(typesCat.types),
  });
  const funcsSize = write('kernel-funcs.json', {
    kernel,
    kfuncSource,
    kfuncs: sortedObject(kfuncs),
    helpers: sortedObject(helpers),
  });
  const tpSize = write('kernel-tracepoints.json', {
    kernel,
    count: tps.names.length,
    missing: tps.missing,
    tracepoints: sortedObject(tps.entries),
    names: tps.names,
  });
  const ptrSize = write('kernel-btf-ptr.json', {
    kernel,
    typeTags: btfPtr.typeTags,
    safe: sortedObject(btfPtr.safe),
    btfIds: sortedObject(btfPtr.btfIds),
  });
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`kernel ${kernel}: ${btf.typeCount - 1} BTF types`);
  console.log(
    `kernel-types.json: ${typesCat.types.size} types (${typesCat.roots.length} roots, missing: ${typesCat.missing.join(', ') || 'none'}), ${kb(typesSize)}`,
  );
  console.log(`kernel-btf-ptr.json: ${btfPtr.safe.size} structs with safe lists, type tags: ${btfPtr.typeTags.join(', ') || 'none'}, ${kb(ptrSize)}`);
  console.log(`kernel-funcs.json: ${kfuncs.size} kfuncs, ${helpers.size} helpers, ${kb(funcsSize)}`);
  console.log(
    `kernel-tracepoints.json: ${tps.names.length} tracepoints, ${tps.entries.size} with prototypes (missing: ${tps.missing.join(', ') || 'none'}), ${kb(tpSize)}`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
