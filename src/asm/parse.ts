// A source file of BPF assembly: a C declaration preamble, then programs. A program starts with
// SEC("...") and its annotations (kernel selftest vocabulary: __success, __failure, __msg(...)),
// then `name:` and its instructions, up to the next SEC or the end of the file.
//
//   struct val { int x; };
//   struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, struct val); } vals SEC(".maps");
//
//   SEC("socket") __success __retval(0)
//   prog:
//       r0 = 0
//       exit
import type { Insn } from '../isa/insn.ts';
import * as op from '../isa/opcodes.ts';
import { SourceError, type SourceLoc } from './errors.ts';
import { lex } from './lexer.ts';
import { Cursor, describe } from './cursor.ts';
import { atDeclStart, newPreamble, PreambleParser, type Preamble } from './preamble.ts';
import { InsnParser, type PendingInsn } from './insn-parser.ts';
import type { MapDef, Program, Reloc, Subprog } from '../ir/program.ts';
import { alignOf, roundUp, sizeOf, type TypeLookup } from '../btf/layout.ts';

export type AnnArg = { kind: 'str'; value: string } | { kind: 'num'; value: bigint } | { kind: 'ident'; value: string };

export interface Annotation {
  name: string;
  args: AnnArg[];
  loc: SourceLoc;
}

export interface ParsedProgram {
  program: Program;
  annotations: Annotation[];
}

export interface ParsedFile {
  file: string;
  preamble: Preamble;
  programs: ParsedProgram[];
}

export type CallTarget = { kind: 'helper'; id: number } | { kind: 'kfunc'; btfId: number };

export interface AsmOptions {
  /** Resolve `call NAME` when NAME is not a label of the program. */
  resolveCall: (name: string) => CallTarget | undefined;
  /** Kernel types (e.g. struct bpf_spin_lock) usable by value in preamble structs. */
  kernelTypes: TypeLookup;
  /** Where the text sits inside a bigger file (an MDX code fence). */
  lineBase?: number;
  colBase?: number;
  /** Where each offset of the text comes from, when it is not a contiguous piece of one file
   * (a kernel selftest's asm strings); overrides lineBase/colBase. */
  locAt?: (offset: number) => SourceLoc;
}

export function parseAsm(text: string, file: string, opts: AsmOptions): ParsedFile {
  const toks = lex(text, file, opts.lineBase ?? 1, opts.colBase ?? 1, opts.locAt);
  const c = new Cursor(toks);
  const pre = newPreamble();
  const decls = new PreambleParser(c, pre, opts.kernelTypes);
  const raw: { name: string; section: string; annotations: Annotation[]; body: PendingInsn[]; labels: Map<string, { index: number; loc: SourceLoc }>; loc: SourceLoc }[] = [];

  for (;;) {
    c.skipNewlines();
    const t = c.peek();
    if (t.kind === 'eof') break;
    if (c.at('SEC')) {
      const secLoc = t.loc;
      c.next();
      c.expect('(');
      const sec = c.expectString('the section name').str ?? '';
      c.expect(')');
      c.skipNewlines();
      if (atDeclStart(c, pre)) {
        decls.parseDecl(sec);
        continue;
      }
      raw.push(parseProgram(c, sec, secLoc, pre));
      continue;
    }
    if (atDeclStart(c, pre)) {
      decls.parseDecl(null);
      continue;
    }
    if (c.peek().kind === 'ident' && c.at(':', 1)) {
      throw new SourceError(t.loc, `program '${t.text}' has no SEC("...") line before it`);
    }
    throw new SourceError(t.loc, `expected a declaration or SEC("...") but found ${describe(t)}`);
  }
  const seen = new Set<string>();
  for (const r of raw) {
    if (seen.has(r.name)) throw new SourceError(r.loc, `duplicate program name '${r.name}'`);
    seen.add(r.name);
  }
  const lookup: TypeLookup = (k) => pre.types.get(k) ?? opts.kernelTypes(k);
  const maps = buildMaps(pre, lookup);
  return { file, preamble: pre, programs: raw.map((r) => ({ program: assemble(r, pre, maps, opts), annotations: r.annotations })) };
}

function parseAnnotations(c: Cursor): Annotation[] {
  const out: Annotation[] = [];
  for (;;) {
    c.skipNewlines();
    const t = c.peek();
    if (t.kind !== 'ident' || !t.text.startsWith('__') || c.at(':', 1)) return out;
    c.next();
    const args: AnnArg[] = [];
    if (c.eat('(')) {
      while (!c.eat(')')) {
        const a = c.peek();
        if (a.kind === 'str') {
          // adjacent string literals concatenate, as in C
          let s = '';
          while (c.peek().kind === 'str') s += c.next().str ?? '';
          args.push({ kind: 'str', value: s });
        } else if (a.kind === 'num' || c.at('-')) args.push({ kind: 'num', value: c.expectInt('a number').value });
        else if (a.kind === 'ident') {
          let s = c.next().text;
          while (c.eat('|')) s += '|' + c.expectIdent('a flag name').text;
          args.push({ kind: 'ident', value: s });
        } else throw new SourceError(a.loc, `unexpected ${describe(a)} in ${t.text}(...)`);
        if (!c.at(')')) c.expect(',', `between arguments of ${t.text}`);
      }
    }
    out.push({ name: t.text, args, loc: t.loc });
  }
}

function parseProgram(c: Cursor, section: string, loc: SourceLoc, pre: Preamble) {
  const annotations = parseAnnotations(c);
  c.skipNewlines();
  const nameTok = c.peek();
  if (nameTok.kind !== 'ident' || !c.at(':', 1)) {
    throw new SourceError(nameTok.loc, `expected the program name as a label ('name:') after SEC("${section}") but found ${describe(nameTok)}`);
  }
  c.next();
  c.next();
  const body: PendingInsn[] = [];
  const labels = new Map<string, { index: number; loc: SourceLoc }>();
  labels.set(nameTok.text, { index: 0, loc: nameTok.loc });
  const ip = new InsnParser(c);
  for (;;) {
    // a line: [label:]* [insn] newline
    const t = c.peek();
    if (t.kind === 'eof') break;
    if (t.kind === 'nl') {
      c.next();
      continue;
    }
    if (c.at('SEC') || atDeclStart(c, pre)) break;
    if (t.kind === 'ident' && c.at(':', 1)) {
      if (labels.has(t.text)) throw new SourceError(t.loc, `duplicate label '${t.text}'`);
      labels.set(t.text, { index: body.length, loc: t.loc });
      c.next();
      c.next();
      continue;
    }
    if (t.kind === 'num' && c.at(':', 1)) {
      // llvm-objdump / kernel log address prefix `12:` is accepted and ignored
      c.next();
      c.next();
      continue;
    }
    body.push(ip.parse());
    const end = c.peek();
    if (end.kind !== 'nl' && end.kind !== 'eof' && !c.at(';')) {
      throw new SourceError(end.loc, `unexpected ${describe(end)} after the instruction`);
    }
    c.eat(';');
  }
  if (body.length === 0) throw new SourceError(nameTok.loc, `program '${nameTok.text}' has no instructions`);
  return { name: nameTok.text, section, annotations, body, labels, loc };
}

/** BTF-defined maps and one array map per global data section, in declaration order. */
function buildMaps(pre: Preamble, lookup: TypeLookup): MapDef[] {
  const maps: MapDef[] = [];
  for (const m of pre.maps) {
    const keySize = m.keySize ?? (m.type === 'ringbuf' ? 0 : undefined);
    const valueSize = m.valueSize ?? (m.type === 'ringbuf' ? 0 : undefined);
    if (keySize === undefined || valueSize === undefined) throw new SourceError(m.loc, `map '${m.name}' needs a key and a value type`);
    maps.push({ name: m.name.slice(0, 15), kind: 'map', type: m.type, keySize, valueSize, maxEntries: m.maxEntries, flags: m.flags, keyType: m.keyType, valueType: m.valueType, loc: m.loc });
  }
  const bySection = new Map<string, typeof pre.globals>();
  for (const g of pre.globals) {
    const l = bySection.get(g.section) ?? [];
    l.push(g);
    bySection.set(g.section, l);
  }
  for (const [section, globals] of bySection) {
    let off = 0;
    let align = 1;
    const vars = globals.map((g) => {
      const a = alignOf(g.type, lookup);
      align = Math.max(align, a);
      const size = sizeOf(g.type, lookup) ?? 0;
      off = roundUp(off, a);
      const v = { name: g.name, type: g.type, offset: off, size };
      off += size;
      return v;
    });
    const valueSize = Math.max(1, roundUp(off, align));
    const initial = new Uint8Array(valueSize);
    const dv = new DataView(initial.buffer);
    globals.forEach((g, i) => {
      if (g.init === null) return;
      const v = vars[i];
      for (let b = 0; b < Math.min(v.size, 8); b++) dv.setUint8(v.offset + b, Number((BigInt.asUintN(64, g.init) >> BigInt(8 * b)) & 0xffn));
    });
    const readonly = section.startsWith('.rodata');
    maps.push({
      name: section.slice(0, 15), kind: 'global', type: 'array', keySize: 4, valueSize, maxEntries: 1,
      flags: readonly ? 0x80 /* BPF_F_RDONLY_PROG */ : 0, keyType: null, valueType: null, section, vars, initial, readonly, loc: globals[0].loc,
    });
  }
  return maps;
}

function assemble(
  r: { name: string; section: string; body: PendingInsn[]; labels: Map<string, { index: number; loc: SourceLoc }>; loc: SourceLoc },
  pre: Preamble,
  allMaps: MapDef[],
  opts: AsmOptions,
): Program {
  // Slot index of each pending instruction (ld_imm64 takes two).
  const slotOf: number[] = [];
  let n = 0;
  for (const p of r.body) {
    slotOf.push(n);
    n += p.hi ? 2 : 1;
  }
  const labelSlot = (name: string): number | undefined => {
    const l = r.labels.get(name);
    if (!l) return undefined;
    return l.index < slotOf.length ? slotOf[l.index] : n;
  };
  const insns: Insn[] = [];
  const srcLocs: SourceLoc[] = [];
  const relocs: Reloc[] = [];
  const usedMaps: MapDef[] = [];
  const mapIndex = (m: MapDef): number => {
    let i = usedMaps.indexOf(m);
    if (i < 0) i = usedMaps.push(m) - 1;
    return i;
  };
  const subprogStarts = new Map<number, string>([[0, r.name]]);

  r.body.forEach((p, i) => {
    const slot = slotOf[i];
    const insn = { ...p.insn };
    const hi = p.hi ? { ...p.hi } : undefined;
    if (p.jump) {
      const target = labelSlot(p.jump.label);
      if (target === undefined) throw new SourceError(p.jump.loc, `unknown label '${p.jump.label}'`);
      const delta = target - (slot + 1);
      if (p.jump.field === 'off') {
        if (delta < -32768 || delta > 32767) throw new SourceError(p.jump.loc, `jump to '${p.jump.label}' is out of the 16-bit range (use gotol)`);
        insn.off = delta;
      } else insn.imm = delta;
    }
    if (p.call) {
      const target = labelSlot(p.call.name);
      if (target !== undefined) {
        insn.src = op.BPF_PSEUDO_CALL;
        insn.imm = target - (slot + 1);
        subprogStarts.set(target, p.call.name);
        relocs.push({ insn: slot, kind: 'subprog', name: p.call.name });
      } else {
        const ct = opts.resolveCall(p.call.name);
        if (!ct) throw new SourceError(p.call.loc, `unknown function '${p.call.name}': not a label of this program, a helper or a kfunc known to the catalog`);
        if (ct.kind === 'helper') {
          insn.imm = ct.id;
          relocs.push({ insn: slot, kind: 'helper', name: p.call.name });
        } else {
          insn.src = op.BPF_PSEUDO_KFUNC_CALL;
          insn.imm = ct.btfId;
          relocs.push({ insn: slot, kind: 'kfunc', name: p.call.name });
        }
      }
    }
    if (p.sym && hi) {
      const name = p.sym.name;
      const target = labelSlot(name);
      const map = allMaps.find((m) => m.kind === 'map' && m.name === name.slice(0, 15) && pre.maps.some((d) => d.name === name));
      const gmap = allMaps.find((m) => m.kind === 'global' && m.vars?.some((v) => v.name === name));
      if (map) {
        if (p.sym.addend !== 0) throw new SourceError(p.sym.loc, `a map reference takes no offset`);
        insn.src = op.BPF_PSEUDO_MAP_FD;
        relocs.push({ insn: slot, kind: 'map_fd', map: mapIndex(map) });
      } else if (gmap) {
        const v = gmap.vars?.find((x) => x.name === name);
        const off = (v?.offset ?? 0) + p.sym.addend;
        insn.src = op.BPF_PSEUDO_MAP_VALUE;
        hi.imm = off;
        relocs.push({ insn: slot, kind: 'map_value', map: mapIndex(gmap), off });
      } else if (target !== undefined) {
        insn.src = op.BPF_PSEUDO_FUNC;
        insn.imm = target - (slot + 1);
        subprogStarts.set(target, name);
        relocs.push({ insn: slot, kind: 'func_addr', name });
      } else {
        throw new SourceError(p.sym.loc, `unknown symbol '${name}': not a map, a global variable or a label of this program`);
      }
    }
    if (p.typeId) {
      if (!pre.types.has(p.typeId.type)) throw new SourceError(p.typeId.loc, `unknown local type '${p.typeId.type}'`);
      insn.imm = [...pre.types.keys()].indexOf(p.typeId.type) + 1;
      relocs.push({ insn: slot, kind: 'local_type_id', type: p.typeId.type });
    }
    insns.push(insn);
    srcLocs.push(p.loc);
    if (hi) {
      insns.push(hi);
      srcLocs.push(p.loc);
    }
  });
  const labels = new Map<number, string>();
  for (const name of r.labels.keys()) {
    const s = labelSlot(name);
    if (s !== undefined) labels.set(s, name);
  }
  const subprogs: Subprog[] = [...subprogStarts.entries()].sort((a, b) => a[0] - b[0]).map(([start, name]) => ({ name, start }));
  return {
    name: r.name, section: r.section, sleepable: false, license: 'GPL', insns, subprogs, relocs, maps: usedMaps,
    types: pre.types, srcLocs, labels, loc: r.loc,
  };
}
