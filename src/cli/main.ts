// `bpfspec`: thin command layer over the spec runner, the model and the kernel back end.
//   bpfspec verify FILE [--json] [--log-level 1|2] [--kernel]
//   bpfspec check [PATH...] [--format human|json|junit|github] [--kernel] [--record] [--site-data FILE]
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { SourceError } from '../asm/errors.ts';
import { collectExamples, examplesFromAsmFile, examplesFromMdx } from '../spec/collect.ts';
import { checkExample, compare, runModel, type Checked } from '../spec/runner.ts';
import { formatReport, summary, type Format } from '../spec/report.ts';
import { kernelCheck, type KernelCheck } from '../spec/kernel-check.ts';
import { kernelStatus } from '../kernel/loader.ts';
import { buildSiteData } from '../spec/site-data.ts';

const USAGE = `usage:
  bpfspec verify FILE [--json] [--log-level 1|2] [--kernel]
  bpfspec check [PATH...] [--format human|json|junit|github] [--kernel] [--record] [--site-data FILE]
`;

const CONFIRMATIONS = 'specs/confirmations.json';

function fail(msg: string, code = 2): never {
  process.stderr.write(msg.endsWith('\n') ? msg : msg + '\n');
  process.exit(code);
}

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  if (cmd === 'verify') return verify(rest);
  if (cmd === 'check') return check(rest);
  if (cmd === undefined || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE);
    return cmd === undefined ? 2 : 0;
  }
  fail(`bpfspec: unknown command '${cmd}'\n${USAGE}`);
}

function verify(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, 'log-level': { type: 'string' }, kernel: { type: 'boolean' } } });
  if (positionals.length !== 1) fail(`bpfspec verify: expected one FILE\n${USAGE}`);
  const file = positionals[0];
  if (!existsSync(file)) fail(`bpfspec verify: ${file}: no such file`);
  const level = values['log-level'] !== undefined ? Number(values['log-level']) : undefined;
  if (level !== undefined && level !== 1 && level !== 2) fail(`bpfspec verify: --log-level must be 1 or 2`);
  const text = readFileSync(file, 'utf8');
  const examples = file.endsWith('.mdx') ? examplesFromMdx(file, text) : examplesFromAsmFile(file, text);
  const kstatus = values.kernel ? kernelStatus() : null;
  if (kstatus && !kstatus.available) process.stderr.write(`bpfspec: kernel back end skipped: ${kstatus.reason}\n`);
  let disagree = false;
  const programs = examples.map((ex) => {
    const { outcome } = runModel(ex, level);
    // every example carries an expectation (__success or __failure is required)
    const problems = outcome.verdict === 'unsupported' ? [outcome.error ?? ''] : compare(ex, outcome);
    const agrees = problems.length === 0;
    if (!agrees) disagree = true;
    let kernel: KernelCheck | null = null;
    if (kstatus?.available) {
      kernel = kernelCheck(ex);
      if (!kernel.agrees) disagree = true;
    }
    return {
      name: ex.program.name, verdict: outcome.verdict, error: outcome.error, log: outcome.log, insn_processed: outcome.insnProcessed,
      verification_time_us: outcome.timeUs, expected: ex.expected, agrees, problems,
      ...(values.kernel ? { kernel } : {}),
    };
  });
  if (values.json) {
    process.stdout.write(JSON.stringify({ file, programs }, null, 2) + '\n');
  } else {
    for (const p of programs) {
      process.stdout.write(`${p.name}: ${p.verdict}${p.error ? `: ${p.error}` : ''}${p.agrees === false ? `  [DISAGREES: ${p.problems.join('; ')}]` : ''}\n`);
      if (level !== undefined) process.stdout.write(p.log.replace(/^/gm, '  ') + '\n');
      if (p.kernel) process.stdout.write(`  kernel: ${p.kernel.verdict}${p.kernel.error ? `: ${p.kernel.error}` : ''}${p.kernel.agrees ? '' : `  [DISAGREES: ${p.kernel.problems.join('; ')}]`}\n`);
    }
  }
  return disagree ? 1 : 0;
}

function check(args: string[]): number {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { format: { type: 'string' }, kernel: { type: 'boolean' }, record: { type: 'boolean' }, 'site-data': { type: 'string' } },
  });
  const format = (values.format ?? 'human') as Format;
  if (!['human', 'json', 'junit', 'github'].includes(format)) fail(`bpfspec check: unknown --format '${format}'`);
  const paths = positionals.length ? positionals : ['content', 'specs'].filter((p) => existsSync(p));
  for (const p of paths) if (!existsSync(p)) fail(`bpfspec check: ${p}: no such file or directory`);
  const examples = collectExamples(paths);
  if (examples.length === 0) fail('bpfspec check: no examples found');
  const results: Checked[] = examples.map(checkExample);
  let kernel: Map<string, KernelCheck> | null = null;
  let kernelBad = false;
  if (values.kernel) {
    const st = kernelStatus();
    if (!st.available) process.stderr.write(`bpfspec: kernel checks skipped: ${st.reason}\n`);
    else {
      kernel = new Map();
      for (const ex of examples) {
        const k = kernelCheck(ex);
        kernel.set(ex.id, k);
        if (!k.agrees) kernelBad = true;
      }
      // a full run (no paths) rewrites the file, so removed examples do not linger
      if (values.record) recordConfirmations(kernel, positionals.length === 0);
    }
  }
  process.stdout.write(formatReport(results, format, kernel));
  if (values['site-data']) {
    const out = values['site-data'];
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(buildSiteData(results, readConfirmations()), null, 1));
  }
  return summary(results).disagree > 0 || kernelBad ? 1 : 0;
}

interface Confirmation {
  release: string;
  verdict: string;
  error: string | null;
}

function readConfirmations(): Record<string, Confirmation> {
  return existsSync(CONFIRMATIONS) ? (JSON.parse(readFileSync(CONFIRMATIONS, 'utf8')) as Record<string, Confirmation>) : {};
}

function recordConfirmations(kernel: Map<string, KernelCheck>, full: boolean): void {
  const all = full ? {} : readConfirmations();
  for (const [id, k] of kernel) {
    if (k.agrees && (k.verdict === 'accept' || k.verdict === 'reject') && k.release) all[id] = { release: k.release, verdict: k.verdict, error: k.error };
  }
  const sorted = Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(CONFIRMATIONS, JSON.stringify(sorted, null, 1) + '\n');
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof SourceError) fail(e.format());
  // Anything else is a bug in bpfspec itself: say so in one line, never a stack trace.
  fail(`bpfspec: internal error: ${e instanceof Error ? e.message : String(e)} (please report it with the input file)`);
}
