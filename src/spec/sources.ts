// Which front end reads which file: BPF assembly (.s), MDX pages (.mdx), kernel selftest
// test_loader C files (.c) and clang-built ELF objects (.o). Every front end turns a file into
// examples: programs with their documented outcome.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SourceError } from '../asm/errors.ts';
import { examplesFromAsmFile, examplesFromMdx } from './collect.ts';
import type { Example } from './example.ts';
import { readSelftestC, type SkippedTest } from '../selftest/examples.ts';
import { examplesFromElf } from '../elf/examples.ts';

/** What a front end made of a file: its examples, and test programs it set aside with the reason. */
export interface SourceFile {
  examples: Example[];
  skipped: SkippedTest[];
}

export interface FrontEnd {
  /** File name suffixes this front end reads. */
  suffixes: string[];
  /** `path` is what messages show (relative to the project root when collected). */
  read: (path: string, bytes: Uint8Array) => SourceFile;
}

const utf8 = (b: Uint8Array): string => new TextDecoder('utf-8').decode(b);

export const FRONT_ENDS: FrontEnd[] = [
  { suffixes: ['.s'], read: (p, b) => ({ examples: examplesFromAsmFile(p, utf8(b)), skipped: [] }) },
  { suffixes: ['.mdx'], read: (p, b) => ({ examples: examplesFromMdx(p, utf8(b)), skipped: [] }) },
  { suffixes: ['.c'], read: (p, b) => readSelftestC(p, utf8(b)) },
  { suffixes: ['.o'], read: (p, b) => ({ examples: examplesFromElf(p, b), skipped: [] }) },
];

export function frontEndFor(path: string): FrontEnd | undefined {
  return FRONT_ENDS.find((f) => f.suffixes.some((s) => path.endsWith(s)));
}

/** Read one file with the front end its name calls for; `shownPath` is used in messages. */
export function readSourceFile(path: string, shownPath = path): SourceFile {
  const fe = frontEndFor(path);
  if (!fe) throw new Error(`${shownPath}: no front end reads this kind of file (known: ${FRONT_ENDS.flatMap((f) => f.suffixes).join(', ')})`);
  return fe.read(shownPath, readFileSync(path));
}

export const examplesFromFile = (path: string, shownPath = path): Example[] => readSourceFile(path, shownPath).examples;

/** Every file under `paths` that some front end reads, in a stable order. */
export function listFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, explicit: boolean): void => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (!e.startsWith('.') && e !== 'node_modules') walk(join(p, e), false);
    } else if (explicit || frontEndFor(p)) out.push(p);
  };
  for (const p of paths) walk(p, true);
  return out;
}

/** All examples under `paths`; example ids must be unique across them. */
export function collectExamples(paths: string[], root = process.cwd()): Example[] {
  const all: Example[] = [];
  for (const f of listFiles(paths)) all.push(...examplesFromFile(f, relative(root, f) || f));
  const ids = new Map<string, Example>();
  for (const e of all) {
    const prev = ids.get(e.id);
    if (prev) throw new SourceError({ file: e.file, line: e.line, col: e.col }, `duplicate example id "${e.id}" (first at ${prev.file}:${prev.line})`);
    ids.set(e.id, e);
  }
  return all;
}
