// Examples from BPF assembly: every program of a specs/**/*.s file, and every ```bpf fence inside
// an <Example id="..."> element of content/**/*.mdx. A broken example is an error with its
// file:line:col, never a silent skip.
import { parseAsm } from '../asm/parse.ts';
import { SourceError } from '../asm/errors.ts';
import { asmOptions } from './resolve.ts';
import { toExample, type Example } from './example.ts';

export function examplesFromAsmFile(path: string, text: string): Example[] {
  const pf = parseAsm(text, path, asmOptions());
  const lines = text.split('\n');
  return pf.programs.map((pp, i) => {
    const start = pp.program.loc.line;
    const end = i + 1 < pf.programs.length ? pf.programs[i + 1].program.loc.line - 1 : lines.length;
    return toExample(pp, path, lines.slice(start - 1, end).join('\n').trimEnd(), null);
  });
}

const EXAMPLE_OPEN = /<Example\s+id="([^"]+)"[^>]*>/g;

export function examplesFromMdx(path: string, text: string): Example[] {
  const out: Example[] = [];
  const lines = text.split('\n');
  let m: RegExpExecArray | null;
  EXAMPLE_OPEN.lastIndex = 0;
  const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length;
  const fencesSeen = new Set<number>();
  while ((m = EXAMPLE_OPEN.exec(text))) {
    const id = m[1];
    const openLine = lineOf(m.index);
    const close = text.indexOf('</Example>', m.index);
    if (close < 0) throw new SourceError({ file: path, line: openLine, col: 1 }, `<Example id="${id}"> has no closing </Example>`);
    const closeLine = lineOf(close);
    let fenceStart = -1;
    for (let l = openLine; l < closeLine; l++) {
      if (/^\s*```bpf\b/.test(lines[l] ?? '')) {
        fenceStart = l;
        break;
      }
    }
    if (fenceStart < 0) throw new SourceError({ file: path, line: openLine, col: 1 }, `<Example id="${id}"> contains no \`\`\`bpf code fence`);
    let fenceEnd = -1;
    for (let l = fenceStart + 1; l < closeLine; l++) {
      if (/^\s*```\s*$/.test(lines[l] ?? '')) {
        fenceEnd = l;
        break;
      }
    }
    if (fenceEnd < 0) throw new SourceError({ file: path, line: fenceStart + 1, col: 1 }, `unterminated \`\`\`bpf fence in <Example id="${id}">`);
    fencesSeen.add(fenceStart);
    const body = lines.slice(fenceStart + 1, fenceEnd).join('\n');
    const pf = parseAsm(body, path, asmOptions(fenceStart + 2, 1));
    if (pf.programs.length !== 1) {
      throw new SourceError({ file: path, line: fenceStart + 1, col: 1 }, `<Example id="${id}"> must contain exactly one program (found ${pf.programs.length})`);
    }
    out.push(toExample(pf.programs[0], path, body, id));
  }
  lines.forEach((l, i) => {
    if (/^\s*```bpf\b/.test(l) && !fencesSeen.has(i)) {
      throw new SourceError({ file: path, line: i + 1, col: 1 }, 'a ```bpf fence outside an <Example id="..."> element: every example must have an id');
    }
  });
  return out;
}
