// The top level of a selftest C file: declarations (maps, globals, structs, the license) and
// functions with their header annotations and, for __naked ones, their asm statements.
import { SourceError } from '../asm/errors.ts';
import { matchClose, splitArgs, type CScan, type CTok } from './c-scan.ts';
import { expand } from './c-expr.ts';

export interface CAnnot {
  name: string;
  /** Arguments split on top-level commas; null when the annotation has no parentheses. */
  args: CTok[][] | null;
  tok: CTok;
}

export interface AsmOperand {
  /** The %[name] it defines. */
  name: string;
  /** __imm, __imm_const, __imm_addr, __imm_ptr, __imm_insn, or 'raw' for `[name] "i" (expr)`. */
  kind: 'imm' | 'imm_const' | 'imm_addr' | 'imm_ptr' | 'imm_insn' | 'raw';
  /** The symbol (imm, imm_addr, imm_ptr) or the expression (imm_const, imm_insn, raw). */
  value: CTok[];
  tok: CTok;
}

export interface AsmStmt {
  /** The concatenated template and the source offset of each of its characters. */
  text: string;
  offs: number[];
  operands: AsmOperand[];
  /** Extended asm (with ':' sections) gives '%' its operand meaning; basic asm does not. */
  extended: boolean;
  tok: CTok;
}

export interface CFunction {
  name: string;
  nameTok: CTok;
  isStatic: boolean;
  naked: boolean;
  section: string | null;
  annotations: CAnnot[];
  /** Only for __naked functions. */
  asm: AsmStmt[];
  start: number;
  end: number;
}

export interface CFile {
  decls: CTok[][];
  functions: CFunction[];
  license: string | null;
}

/** Words a function header may hold besides annotations: storage, inline, return types. */
const HEADER_WORDS = new Set([
  'static', 'inline', 'extern', 'void', 'int', 'long', 'unsigned', 'signed', 'char', 'short', 'const', 'volatile', 'struct', 'union', 'enum', '*',
  '__always_inline', '__noinline', '__naked', '__used', '__weak', '__hidden', '__inline', '__u8', '__u16', '__u32', '__u64', '__s8', '__s16',
  '__s32', '__s64', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'bool', '__attribute__', '__attribute', 'noinline', 'SEC',
]);

export function parseCFile(scanned: CScan): CFile {
  const scan = { ...scanned, toks: expandTopLevel(scanned) };
  const toks = scan.toks;
  const decls: CTok[][] = [];
  const functions: CFunction[] = [];
  let license: string | null = null;
  let i = 0;
  while (i < toks.length) {
    if (toks[i].text === ';' && toks[i].kind === 'punct') {
      i++;
      continue;
    }
    const start = i;
    let fnBody = -1;
    while (i < toks.length) {
      const t = toks[i];
      if (t.kind === 'punct' && t.text === ';') break;
      if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) {
        i = matchClose(toks, i, scan.loc) + 1;
        continue;
      }
      if (t.kind === 'punct' && t.text === '{') {
        if (i > start && toks[i - 1].text === ')' && !toks.slice(start, i).some((x) => x.text === '=')) {
          fnBody = i;
          break;
        }
        i = matchClose(toks, i, scan.loc) + 1;
        continue;
      }
      i++;
    }
    if (fnBody >= 0) {
      const close = matchClose(toks, fnBody, scan.loc);
      functions.push(parseFunction(scan, start, fnBody, close));
      i = close + 1;
      continue;
    }
    if (i >= toks.length) throw new SourceError(scan.loc(toks[start].start), `declaration has no terminating ';'`);
    const item = toks.slice(start, i);
    i++;
    const lic = licenseOf(item);
    if (lic !== undefined) {
      license = lic;
      continue;
    }
    if (isSkippedDecl(item)) continue;
    decls.push(item);
  }
  return { decls, functions, license };
}

/** Function-like macros invoked at file scope (a macro that defines test functions) are expanded. */
function expandTopLevel(scan: CScan): CTok[] {
  const out: CTok[] = [];
  const toks = scan.toks;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const d = t.kind === 'ident' ? scan.defines.get(t.text) : undefined;
    // annotation-like names (`#define __rule(...)` hiding bpfspec's own annotation from clang) stay
    if (d && d.params !== null && !t.text.startsWith('__') && t.text !== 'SEC' && toks[i + 1]?.text === '(') {
      const close = matchClose(toks, i + 1, scan.loc);
      out.push(...expand(toks.slice(i, close + 1), scan, 0, (x) => x.params !== null && !x.name.startsWith('__')));
      i = close;
      continue;
    }
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[' || t.text === '{')) {
      const close = matchClose(toks, i, scan.loc);
      out.push(...toks.slice(i, close + 1));
      i = close;
      continue;
    }
    out.push(t);
  }
  return out;
}

/** `char _license[] SEC("license") = "GPL";` */
function licenseOf(item: CTok[]): string | undefined {
  const s = item.findIndex((t) => t.text === 'SEC');
  if (s < 0 || item[s + 2]?.value !== 'license') return undefined;
  const str = item.filter((t, k) => t.kind === 'str' && k > s + 3);
  return str.map((t) => t.value ?? '').join('');
}

/** Prototypes, extern kfunc/ksym declarations and the like carry nothing the model needs. */
function isSkippedDecl(item: CTok[]): boolean {
  if (item[0]?.text === 'extern') return true;
  if (item.some((t) => t.text === 'SEC' && item[item.indexOf(t) + 2]?.value === 'version')) return true;
  for (let k = 1; k < item.length; k++) {
    const prev = item[k - 1];
    if (item[k].text === '(' && prev.kind === 'ident' && !['SEC', '__attribute__', '__uint', '__type', '__array', '__ulong', 'private', '__contains', '__aligned'].includes(prev.text)) {
      // `int f(int x);`: a prototype (`=` before it would make it an initializer)
      return !item.slice(0, k).some((t) => t.text === '=');
    }
  }
  return false;
}

function parseFunction(scan: CScan, start: number, open: number, close: number): CFunction {
  const toks = scan.toks;
  const header = toks.slice(start, open);
  // the parameter list: the last parenthesised group not belonging to __attribute__
  let pClose = header.length - 1;
  while (pClose >= 0) {
    if (header[pClose].text === ')') {
      let depth = 0;
      let pOpen = pClose;
      for (; pOpen >= 0; pOpen--) {
        if (header[pOpen].text === ')') depth++;
        else if (header[pOpen].text === '(' && --depth === 0) break;
      }
      const before = header[pOpen - 1];
      if (before && before.kind === 'ident' && before.text !== '__attribute__') {
        return finishFunction(scan, header, pOpen - 1, pClose, start, open, close);
      }
      pClose = pOpen - 1;
      continue;
    }
    pClose--;
  }
  throw new SourceError(scan.loc(toks[open].start), 'cannot find the name of this function');
}

function finishFunction(scan: CScan, header: CTok[], nameAt: number, pClose: number, start: number, open: number, close: number): CFunction {
  const annotations: CAnnot[] = [];
  let section: string | null = null;
  let naked = false;
  let isStatic = false;
  for (let k = 0; k < header.length; k++) {
    if (k >= nameAt && k <= pClose) continue;
    const t = header[k];
    if (t.kind !== 'ident') continue;
    let args: CTok[][] | null = null;
    let next = k;
    if (header[k + 1]?.text === '(') {
      const c = matchClose(header, k + 1, scan.loc);
      args = splitArgs(header, k + 2, c, scan.loc);
      next = c;
    }
    if (t.text === 'SEC') {
      const s = args?.[0];
      if (!s || s.length === 0 || s.some((x) => x.kind !== 'str')) throw new SourceError(scan.loc(t.start), 'SEC(...) takes a string literal');
      section = s.map((x) => x.value ?? '').join('');
    } else if (t.text === '__attribute__' || t.text === '__attribute') {
      if (header.slice(k, next + 1).some((x) => x.text === 'naked')) naked = true;
    } else if (t.text === '__naked') naked = true;
    else if (t.text === 'static') isStatic = true;
    else if (!HEADER_WORDS.has(t.text)) annotations.push({ name: t.text, args, tok: t });
    k = next;
  }
  const nameTok = header[nameAt];
  const asm = naked ? parseAsmBody(scan, open, close, nameTok.text) : [];
  return { name: nameTok.text, nameTok, isStatic, naked, section, annotations, asm, start: scan.toks[start].start, end: scan.toks[close].end };
}

const ASM_WORDS = new Set(['asm', '__asm__', '__asm']);
const ASM_QUALS = new Set(['volatile', '__volatile__', '__volatile', 'inline', 'goto']);

function parseAsmBody(scan: CScan, open: number, close: number, fn: string): AsmStmt[] {
  const toks = scan.toks;
  const out: AsmStmt[] = [];
  let i = open + 1;
  while (i < close) {
    const t = toks[i];
    if (t.text === ';') {
      i++;
      continue;
    }
    if (!ASM_WORDS.has(t.text)) {
      throw new SourceError(scan.loc(t.start), `__naked function '${fn}' may only contain asm statements; found '${t.text}'`);
    }
    let k = i + 1;
    while (ASM_QUALS.has(toks[k]?.text ?? '')) {
      if (toks[k].text === 'goto') throw new SourceError(scan.loc(toks[k].start), 'asm goto is not modelled');
      k++;
    }
    if (toks[k]?.text !== '(') throw new SourceError(scan.loc(toks[k]?.start ?? t.start), "expected '(' after asm");
    const c = matchClose(toks, k, scan.loc);
    out.push(parseAsmStmt(scan, t, k + 1, c));
    i = c + 1;
  }
  return out;
}

function parseAsmStmt(scan: CScan, asmTok: CTok, from: number, to: number): AsmStmt {
  const toks = scan.toks;
  // sections separated by top-level ':' : template, outputs, inputs, clobbers
  const sections: [number, number][] = [];
  let s = from;
  for (let k = from; k < to; k++) {
    const t = toks[k];
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[' || t.text === '{')) k = matchClose(toks, k, scan.loc);
    else if (t.kind === 'punct' && t.text === ':') {
      sections.push([s, k]);
      s = k + 1;
    }
  }
  sections.push([s, to]);
  let text = '';
  const offs: number[] = [];
  const addStr = (t: CTok): void => {
    text += t.value ?? '';
    offs.push(...(t.offs ?? []));
  };
  for (let k = sections[0][0]; k < sections[0][1]; k++) {
    const t = toks[k];
    if (t.kind === 'str') addStr(t);
    else if (t.kind === 'ident' && scan.defines.get(t.text)?.params === null && (scan.defines.get(t.text)?.body ?? []).every((b) => b.kind === 'str')) {
      // an object-like macro holding asm text
      for (const b of scan.defines.get(t.text)?.body ?? []) addStr(b);
    } else throw new SourceError(scan.loc(t.start), `expected the asm template (string literals) but found '${t.text}'`);
  }
  if (sections.length > 1 && sections[1][1] > sections[1][0]) {
    throw new SourceError(scan.loc(toks[sections[1][0]].start), 'asm output operands are not modelled (selftests use none)');
  }
  const operands: AsmOperand[] = [];
  if (sections.length > 2) {
    for (const arg of splitArgs(toks, sections[2][0], sections[2][1], scan.loc)) {
      if (arg.length > 0) operands.push(operandOf(scan, arg));
    }
  }
  return { text, offs, operands, extended: sections.length > 1, tok: asmTok };
}

const IMM_KINDS: Record<string, AsmOperand['kind']> = { __imm: 'imm', __imm_const: 'imm_const', __imm_addr: 'imm_addr', __imm_ptr: 'imm_ptr', __imm_insn: 'imm_insn' };

function operandOf(scan: CScan, arg: CTok[]): AsmOperand {
  const t = arg[0];
  const kind = IMM_KINDS[t.text];
  if (kind && arg[1]?.text === '(') {
    const c = matchClose(arg, 1, scan.loc);
    const parts = splitArgs(arg, 2, c, scan.loc);
    const name = parts[0];
    if (!name || name.length !== 1 || name[0].kind !== 'ident') throw new SourceError(scan.loc(t.start), `${t.text}(...) needs an operand name first`);
    const two = kind === 'imm_const' || kind === 'imm_insn';
    if (parts.length !== (two ? 2 : 1)) throw new SourceError(scan.loc(t.start), `${t.text} takes ${two ? 2 : 1} argument${two ? 's' : ''}`);
    return { name: name[0].text, kind, value: two ? parts[1] : name, tok: t };
  }
  // the expanded form: [name] "i" (expr)
  if (t.text === '[' && arg[1]?.kind === 'ident' && arg[2]?.text === ']' && arg[3]?.kind === 'str' && arg[4]?.text === '(') {
    const c = matchClose(arg, 4, scan.loc);
    return { name: arg[1].text, kind: 'raw', value: arg.slice(5, c), tok: t };
  }
  throw new SourceError(scan.loc(t.start), `unknown asm operand form starting with '${t.text}' (expected __imm(...), __imm_const(...), __imm_addr(...), __imm_ptr(...), __imm_insn(...) or [name] "i" (expr))`);
}
