// The kernel selftest front end: a C file in the test_loader convention (progs/verifier_*.c)
// becomes one example per test program. Declarations go to the assembler's C preamble; each
// __naked test function's asm statements, with operands substituted, become a program, and the
// static __naked functions it calls are appended after it as libbpf links subprograms. Every
// character handed to the assembler remembers where it sits in the .c file, so errors point there.
import { basename } from 'node:path';
import { parseAsm, type ParsedProgram } from '../asm/parse.ts';
import { SourceError, type SourceLoc } from '../asm/errors.ts';
import { BPF_PROG_FLAG, parseSection } from '../ir/sections.ts';
import { kernelTypes } from '../catalog/kernel-types.ts';
import type { TypeTable } from '../btf/types.ts';
import { asmOptions } from '../spec/resolve.ts';
import type { Example } from '../spec/example.ts';
import { locator, scanC, type CScan, type CTok } from './c-scan.ts';
import { parseCFile, type CFunction } from './c-file.ts';
import { evalCondition, evalExpr, PREDEFINED, type ExprEnv } from './c-expr.ts';
import { expandTemplate, type Located, type OperandContext } from './operands.ts';
import { readTestSpec, type TestSpec } from './test-annotations.ts';

export interface SkippedTest {
  name: string;
  loc: SourceLoc;
  reason: string;
}

export interface SelftestFile {
  examples: Example[];
  /** Test programs test_loader would not run privileged here (other arch, unprivileged only). */
  skipped: SkippedTest[];
}

/** Text for the assembler, with the .c offset of every character. */
class Synth {
  text = '';
  offs: number[] = [];
  add(s: string, off: number | number[]): void {
    this.text += s;
    for (let k = 0; k < s.length; k++) this.offs.push(typeof off === 'number' ? off : off[k]);
  }
  locAt(scan: CScan): (o: number) => SourceLoc {
    return (o) => scan.loc(this.offs[Math.min(o, this.offs.length - 1)] ?? 0);
  }
}

export function readSelftestC(path: string, text: string): SelftestFile {
  const where = locator(path, text);
  const scan = scanC(path, text, (toks, defs, at) => evalCondition(toks, defs, at, where), PREDEFINED);
  const cf = parseCFile(scan);
  const kt = kernelTypes();
  const bare: ExprEnv = { defines: scan.defines, types: (k) => kt.get(k), typedefs: new Map(), enums: enumsOf([kt]), loc: scan.loc };

  const pre = new Synth();
  for (const d of cf.decls) emitDecl(pre, d, bare);
  const preamble = parseAsm(pre.text, path, { ...asmOptions(), locAt: pre.locAt(scan) }).preamble;
  const env: ExprEnv = {
    defines: scan.defines, types: (k) => preamble.types.get(k) ?? kt.get(k), typedefs: preamble.typedefs,
    enums: enumsOf([kt, preamble.types]), loc: scan.loc,
  };

  const byName = new Map<string, CFunction>();
  for (const f of cf.functions) {
    const prev = byName.get(f.name);
    if (prev) throw new SourceError(scan.loc(f.nameTok.start), `function '${f.name}' is defined twice (first at line ${scan.loc(prev.nameTok.start).line})`);
    byName.set(f.name, f);
  }
  const resolve = asmOptions().resolveCall;
  const ctx: OperandContext = {
    env,
    isFunction: (n) => byName.has(n) || resolve(n) !== undefined,
    isData: (n) => preamble.maps.some((m) => m.name === n) || preamble.globals.some((g) => g.name === n),
  };
  let unique = 0;
  const fragments = new Map<string, Located>();
  const fragment = (f: CFunction): Located => {
    let fr = fragments.get(f.name);
    if (!fr) {
      const s = new Synth();
      for (const stmt of f.asm) {
        const x = expandTemplate(stmt, unique++, ctx);
        s.add(x.text, x.offs);
        s.add('\n', stmt.tok.start);
      }
      fr = { text: s.text, offs: s.offs };
      fragments.set(f.name, fr);
    }
    return fr;
  };

  const tests: { f: CFunction; spec: TestSpec; subprogs: CFunction[] }[] = [];
  const skipped: SkippedTest[] = [];
  for (const f of cf.functions) {
    if (f.section === null) continue;
    const spec = readTestSpec(f.annotations, env, f.name);
    const sec = parseSection(f.section);
    if (!sec.ok) throw new SourceError(scan.loc(f.start), `SEC("${f.section}"): ${sec.error}`);
    if (spec.auxiliary) continue;
    if (spec.skip) {
      skipped.push({ name: f.name, loc: scan.loc(f.start), reason: spec.skip });
      continue;
    }
    if (!f.naked) {
      throw new SourceError(scan.loc(f.nameTok.start), `test program '${f.name}' has a C body: not modelled (bpfspec reads __naked functions whose body is asm volatile(...); compile the file and give the .o instead)`);
    }
    tests.push({ f, spec, subprogs: linkedSubprogs(f, byName, fragment, scan, spec) });
  }

  const all = new Synth();
  all.add(pre.text, pre.offs);
  for (const t of tests) {
    const at = t.f.nameTok.start;
    all.add(`\nSEC("${t.f.section ?? ''}")\n${t.f.name}:\n`, at);
    const main = fragment(t.f);
    all.add(main.text, main.offs);
    for (const s of t.subprogs) {
      all.add(`\n${s.name}:\n`, s.nameTok.start);
      const fr = fragment(s);
      all.add(fr.text, fr.offs);
    }
  }
  const parsed = tests.length ? parseAsm(all.text, path, { ...asmOptions(), locAt: all.locAt(scan) }).programs : [];
  const base = basename(path).replace(/\.c$/, '');
  const examples = tests.map((t, i) => toExample(parsed[i], t.f, t.spec, base, path, text, cf.license, scan));
  return { examples, skipped };
}

/** Static __naked functions reachable from `f`, in the order libbpf appends them. */
function linkedSubprogs(f: CFunction, byName: Map<string, CFunction>, fragment: (f: CFunction) => Located, scan: CScan, spec: TestSpec): CFunction[] {
  const order: CFunction[] = [f];
  for (let k = 0; k < order.length; k++) {
    const fr = fragment(order[k]);
    const re = /[A-Za-z_][A-Za-z0-9_]*/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(fr.text))) {
      const g = byName.get(m[0]);
      if (!g || g.section !== null || order.includes(g)) continue;
      if (!g.naked) {
        throw new SourceError(scan.loc(fr.offs[m.index]), `'${m[0]}' is a C function: calls from asm to C-bodied functions are not modelled (make it __naked)`);
      }
      if (!g.isStatic) {
        const note = `global function '${g.name}' is verified as a static subprogram (global function verification is not modelled)`;
        if (!spec.unchecked.includes(note)) spec.unchecked.push(note);
      }
      order.push(g);
    }
  }
  return order.slice(1);
}

function enumsOf(tables: TypeTable[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const t of tables) for (const d of t.values()) if (d.kind === 'enum') for (const v of d.values) out.set(v.name, v.value);
  return out;
}

/** One declaration, token by token, with #define'd constants replaced by their values. */
function emitDecl(s: Synth, toks: CTok[], env: ExprEnv): void {
  for (const t of toks) {
    if (t.kind === 'num') s.add(t.text.startsWith("'") ? String(t.num) : t.text, t.start);
    else if (t.kind === 'str') s.add(t.text, Array.from(t.text, (_c, k) => t.start + k));
    else if (t.kind === 'ident' && env.defines.get(t.text)?.params === null) {
      let v: string;
      try {
        v = evalExpr([t], env, t.start).toString();
      } catch (e) {
        if (!(e instanceof SourceError)) throw e;
        v = t.text;
      }
      s.add(v, t.start);
    } else s.add(t.text, t.start);
    s.add(' ', t.end);
  }
  s.add(';\n', toks[toks.length - 1]?.end ?? 0);
}

function toExample(pp: ParsedProgram, f: CFunction, spec: TestSpec, base: string, path: string, text: string, license: string | null, scan: CScan): Example {
  const loc = scan.loc(f.start);
  const sleepable = (spec.progFlags & BPF_PROG_FLAG.BPF_F_SLEEPABLE) !== 0 || pp.program.sleepable;
  return {
    id: `${base}.${f.name}`,
    file: path, line: loc.line, col: loc.col,
    source: text.slice(f.start, f.end),
    program: { ...pp.program, loc, license: license ?? 'GPL', sleepable, extraProgFlags: spec.progFlags },
    expected: { verdict: spec.verdict, msgs: spec.msgs, notMsgs: spec.notMsgs, retval: spec.retval, logLevel: spec.logLevel },
    rules: spec.rules, profiles: ['v6.18', 'bpf-next'], description: spec.description, modelOnly: null,
    ...(spec.unchecked.length ? { unchecked: spec.unchecked } : {}),
  };
}
