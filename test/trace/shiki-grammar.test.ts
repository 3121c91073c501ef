// The `bpf` TextMate grammar (src/site/shiki/bpf.tmLanguage.json) through Shiki's own tokenizer:
// each representative piece of an example gets the scope the themes colour it by.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighlighter, type HighlighterGeneric, type LanguageRegistration } from 'shiki';

const grammar = JSON.parse(readFileSync('src/site/shiki/bpf.tmLanguage.json', 'utf8')) as LanguageRegistration;
// our grammar is not one of Shiki's bundled languages: a highlighter typed by plain names
let hl: HighlighterGeneric<string, string>;

beforeAll(async () => {
  hl = (await createHighlighter({ themes: ['github-dark'], langs: [grammar] })) as unknown as HighlighterGeneric<string, string>;
});

/** Each token of `code` with the innermost scope of its text. */
function scopes(code: string): [string, string][] {
  const lines = hl.codeToTokensBase(code, { lang: 'bpf', theme: 'github-dark', includeExplanation: true });
  const out: [string, string][] = [];
  for (const line of lines) {
    for (const t of line) {
      for (const e of t.explanation ?? []) {
        if (e.content.trim() === '') continue;
        out.push([e.content.trim(), e.scopes[e.scopes.length - 1].scopeName]);
      }
    }
  }
  return out;
}

const scopeOf = (code: string, text: string): string | undefined => scopes(code).find(([c]) => c === text)?.[1];

describe('bpf grammar', () => {
  it('is registered under the name the fences use', () => {
    expect(grammar.name).toBe('bpf');
    expect(hl.getLoadedLanguages()).toContain('bpf');
  });

  it('tokenizes registers, loads and stores', () => {
    const line = '\tr1 = *(u64 *)(r10 - 8)';
    expect(scopeOf(line, 'r1')).toBe('variable.language.register.bpf');
    expect(scopeOf(line, 'r10')).toBe('variable.language.register.frame-pointer.bpf');
    expect(scopeOf(line, 'u64')).toBe('storage.type.builtin.bpf');
    expect(scopeOf(line, '8')).toBe('constant.numeric.decimal.bpf');
    expect(scopeOf(line, '=')).toBe('keyword.operator.assignment.bpf');
    expect(scopeOf('\tw0 s>>= 3', 'w0')).toBe('variable.language.register.bpf');
    expect(scopeOf('\tw0 s>>= 3', 's>>=')).toBe('keyword.operator.signed.bpf');
    expect(scopeOf('\tw3 += w2', '+=')).toBe('keyword.operator.assignment.compound.bpf');
  });

  it('tokenizes calls, jumps, labels and exit', () => {
    expect(scopes('\tcall bpf_task_from_pid')).toEqual([
      ['call', 'keyword.control.call.bpf'],
      ['bpf_task_from_pid', 'entity.name.function.call.bpf'],
    ]);
    const cond = '\tif r1 s> 0x10 goto out';
    expect(scopes(cond)).toEqual([
      ['if', 'keyword.control.conditional.bpf'],
      ['r1', 'variable.language.register.bpf'],
      ['s>', 'keyword.operator.signed.bpf'],
      ['0x10', 'constant.numeric.hex.bpf'],
      ['goto', 'keyword.control.jump.bpf'],
      ['out', 'entity.name.function.label.bpf'],
    ]);
    expect(scopeOf('out:', 'out')).toBe('entity.name.function.label.bpf');
    expect(scopeOf('task_from_pid_released:', 'task_from_pid_released')).toBe('entity.name.function.label.bpf');
    expect(scopeOf('\texit', 'exit')).toBe('keyword.control.exit.bpf');
    expect(scopeOf('\tgoto pc+3', 'pc')).toBe('variable.language.pc.bpf');
  });

  it('tokenizes atomics, ld_imm64 and raw encodings', () => {
    expect(scopeOf('\tlock *(u64 *)(r1 + 0) += r2', 'lock')).toBe('keyword.other.lock.bpf');
    expect(scopeOf('\tr1 = atomic_fetch_add((u64 *)(r10 - 8), r1)', 'atomic_fetch_add')).toBe('support.function.builtin.bpf');
    expect(scopes('\tr1 = stash ll').slice(2)).toEqual([
      ['stash', 'variable.other.symbol.bpf'],
      ['ll', 'storage.modifier.ll.bpf'],
    ]);
    expect(scopes('\tr1 = 0x123456789 ll').slice(2)).toEqual([
      ['0x123456789', 'constant.numeric.hex.bpf'],
      ['ll', 'storage.modifier.ll.bpf'],
    ]);
    expect(scopes('\t.8byte 0x0000000000000000')).toEqual([
      ['.8byte', 'keyword.other.directive.bpf'],
      ['0x0000000000000000', 'constant.numeric.hex.bpf'],
    ]);
  });

  it('tokenizes the C preamble and SEC()', () => {
    const decl = 'struct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, int); __type(value, struct val); } stash SEC(".maps");';
    expect(scopeOf(decl, '__uint')).toBe('storage.modifier.macro.bpf');
    expect(scopeOf(decl, 'BPF_MAP_TYPE_ARRAY')).toBe('support.constant.bpf');
    expect(scopeOf(decl, 'int')).toBe('storage.type.bpf');
    expect(scopeOf(decl, 'val')).toBe('entity.name.type.bpf');
    expect(scopeOf(decl, 'SEC')).toBe('keyword.other.section.bpf');
    expect(scopeOf(decl, '.maps')).toBe('string.quoted.double.section.bpf');
    const kptr = 'struct val { long x; struct task_struct __kptr *task; };';
    expect(scopeOf(kptr, '__kptr')).toBe('storage.modifier.btf.bpf');
    expect(scopeOf(kptr, 'task_struct')).toBe('entity.name.type.bpf');
    expect(scopeOf('typedef unsigned int u32_t;', 'typedef')).toBe('storage.type.bpf');
    expect(scopeOf('#define N 3', 'define')).toBe('keyword.control.directive.bpf');
  });

  it('tokenizes selftest annotations and comments', () => {
    const ann = '__failure __msg("R1 type={{[a-z_]+}} expected") __rule("ref.leak.exit") __retval(0)';
    expect(scopeOf(ann, '__failure')).toBe('keyword.other.annotation.bpf');
    expect(scopeOf(ann, '__msg')).toBe('keyword.other.annotation.bpf');
    expect(scopeOf(ann, 'R1 type=')).toBe('string.quoted.double.bpf');
    expect(scopeOf(ann, '[a-z_]+')).toBe('string.regexp.bpf');
    expect(scopeOf(ann, 'ref.leak.exit')).toBe('string.quoted.double.bpf');
    expect(scopeOf(ann, '__retval')).toBe('keyword.other.annotation.bpf');
    expect(scopeOf('__success', '__success')).toBe('keyword.other.annotation.bpf');
    expect(scopeOf('\tr0 = 0 // done', '// done')).toBeUndefined(); // split into the marker and the text
    expect(scopeOf('\tr0 = 0 // done', 'done')).toBe('comment.line.double-slash.bpf');
    expect(scopeOf('/* a\n b */', 'b')).toBe('comment.block.bpf');
  });

  it('highlights every example page fence without an unknown-language fallback', () => {
    // every token of a real example gets some bpf scope (nothing left as plain source)
    const src = readFileSync('content/docs/kfuncs/kf-acquire.mdx', 'utf8');
    const fence = /```bpf\n([\s\S]*?)```/.exec(src)?.[1] ?? '';
    expect(fence).not.toBe('');
    const plain = scopes(fence).filter(([, s]) => s === 'source.bpf').map(([c]) => c);
    expect(plain.filter((c) => !/^[\w.:]+$/.test(c))).toEqual([]);
  });
});
