// `bpfspec`: thin command layer over the spec runner, the model and the kernel back end.
//   bpfspec verify FILE [--json] [--log-level 1|2] [--kernel]
//   bpfspec check [PATH...] [--format human|json|junit|github] [--kernel] [--record] [--site-data FILE]
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { SourceError } from '../asm/errors.ts';
import { collectExamples, frontEndFor, FRONT_ENDS, readSourceFile } from '../spec/sources.ts';
import { checkExample, compare, runModel, type Checked } from '../spec/runner.ts';
import { formatReport, summary, type Format } from '../spec/report.ts';
import { kernelCheck, type KernelCheck } from '../spec/kernel-check.ts';
import { kernelStatus } from '../kernel/loader.ts';
import { failingSourceLine } from '../elf/source-line.ts';
import { buildSiteData } from '../spec/site-data.ts';
import { isModelProblem, runFuzz } from '../fuzz/fuzz.ts';
import { formatFuzzReport } from '../fuzz/report.ts';
import { FEATURES, isFeature } from '../fuzz/grammar.ts';

const USAGE = `usage:
  bpfspec verify FILE [--json] [--log-level 1|2] [--kernel]
  bpfspec check [PATH...] [--format human|json|junit|github] [--kernel] [--record] [--site-data FILE]
  bpfspec fuzz [--kernel] [--seed N] [--count N] [--time-limit SECONDS] [--features a,b,...] [--index I] [--out DIR] [--json]
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
  if (cmd === 'fuzz') return fuzz(rest);
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
  if (!frontEndFor(file)) fail(`bpfspec verify: ${file}: cannot read this kind of file (known: ${FRONT_ENDS.flatMap((f) => f.suffixes).join(', ')})`);
  const level = values['log-level'] !== undefined ? Number(values['log-level']) : undefined;
  if (level !== undefined && level !== 1 && level !== 2) fail(`bpfspec verify: --log-level must be 1 or 2`);
  // test_loader files may hold tests this machine cannot run as written (unprivileged-only, other arches)
  const { examples, skipped } = readSourceFile(file);
  const kstatus = values.kernel ? kernelStatus() : null;
  if (kstatus && !kstatus.available) process.stderr.write(`bpfspec: kernel back end skipped: ${kstatus.reason}\n`);
  let disagree = false;
  let notModelled = false;
  const programs = examples.map((ex) => {
    const { outcome } = runModel(ex, level);
    // every example carries an expectation (__success or __failure is required)
    const problems = outcome.verdict === 'unsupported' ? [outcome.error ?? ''] : compare(ex, outcome);
    const agrees = problems.length === 0;
    if (outcome.verdict === 'unsupported') notModelled = true;
    else if (!agrees) disagree = true;
    let kernel: KernelCheck | null = null;
    let modelKernelAgree: boolean | null = null;
    if (kstatus?.available) {
      kernel = kernelCheck(ex);
      if (!kernel.agrees) disagree = true;
      if ((kernel.verdict === 'accept' || kernel.verdict === 'reject') && outcome.verdict !== 'unsupported') {
        modelKernelAgree = kernel.verdict === outcome.verdict && (outcome.verdict === 'accept' || kernel.error === outcome.error);
        if (!modelKernelAgree) disagree = true;
      }
    }
    return {
      name: ex.program.name, verdict: outcome.verdict, error: outcome.error, rule: outcome.ruleId, rule_page: outcome.ruleId ? `/rules/${outcome.ruleId}/` : null,
      log: outcome.log, insn_processed: outcome.insnProcessed,
      verification_time_us: outcome.timeUs, expected: ex.expected, agrees, problems,
      ...(values.kernel ? { model_kernel_agree: modelKernelAgree } : {}),
      ...(ex.unchecked?.length ? { unchecked: ex.unchecked } : {}),
      ...(outcome.verdict === 'reject' && ex.sourceLines ? { source_line: failingSourceLine(ex, outcome.log) } : {}),
      ...(values.kernel ? { kernel } : {}),
    };
  });
  if (values.json) {
    process.stdout.write(JSON.stringify({ file, programs, ...(skipped.length ? { skipped } : {}) }, null, 2) + '\n');
  } else {
    for (const p of programs) {
      const documented = p.verdict === 'unsupported' ? '' : p.expected.verdict === null ? '  (no documented outcome)' : p.agrees ? '' : `  [DISAGREES: ${p.problems.join('; ')}]`;
      process.stdout.write(`${p.name}: ${p.verdict}${p.error ? `: ${p.error}` : ''}${documented}\n`);
      if (p.rule) process.stdout.write(`  rule ${p.rule} (${p.rule_page})\n`);
      if (p.unchecked) process.stdout.write(`  not checked: ${p.unchecked.join('; ')}\n`);
      if (p.source_line) process.stdout.write(`  at ${p.source_line}\n`);
      if (level !== undefined) process.stdout.write(p.log.replace(/^/gm, '  ') + '\n');
      if (p.kernel) {
        process.stdout.write(`  kernel: ${p.kernel.verdict}${p.kernel.error ? `: ${p.kernel.error}` : ''}${p.kernel.agrees ? '' : `  [DISAGREES: ${p.kernel.problems.join('; ')}]`}\n`);
        if (p.model_kernel_agree !== null) process.stdout.write(p.model_kernel_agree ? '  model and kernel agree\n' : '  MODEL AND KERNEL DISAGREE\n');
      }
    }
  }
  if (!values.json) for (const t of skipped) process.stdout.write(`${t.name}: skipped (${t.reason})\n`);
  // 1: a documented outcome (or the kernel) disagrees; 2: nothing disagrees but the model could not decide
  return disagree ? 1 : notModelled ? 2 : 0;
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
  for (const ex of examples) {
    if (ex.expected.verdict === null) throw new SourceError({ file: ex.file, line: ex.line, col: ex.col }, `example '${ex.id}' documents no outcome (__success or __failure): check needs one`);
  }
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

function intOpt(name: string, v: string | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min) fail(`bpfspec fuzz: --${name} must be an integer >= ${min}`);
  return Number(v);
}

function fuzz(args: string[]): number {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      kernel: { type: 'boolean' }, seed: { type: 'string' }, count: { type: 'string' }, 'time-limit': { type: 'string' }, features: { type: 'string' },
      index: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, 'max-statements': { type: 'string' }, 'max-reports': { type: 'string' },
    },
  });
  if (positionals.length) fail(`bpfspec fuzz: unexpected argument '${positionals[0]}'\n${USAGE}`);
  const features = values.features !== undefined ? values.features.split(',').map((f) => f.trim()).filter(Boolean) : [...FEATURES];
  for (const f of features) if (!isFeature(f)) fail(`bpfspec fuzz: unknown feature '${f}' (known: ${FEATURES.join(', ')})`);
  const seed = intOpt('seed', values.seed, Math.floor(Math.random() * 0x7fffffff), 0);
  let withKernel = values.kernel === true;
  if (withKernel) {
    const st = kernelStatus();
    if (!st.available) {
      process.stderr.write(`bpfspec: kernel back end skipped: ${st.reason}; fuzzing the model alone (crashes only)\n`);
      withKernel = false;
    }
  }
  const count = intOpt('count', values.count, 1000, 1);
  const report = runFuzz({
    seed, count, timeLimitMs: intOpt('time-limit', values['time-limit'], 600, 1) * 1000, kernel: withKernel,
    features: features.filter(isFeature), maxStatements: intOpt('max-statements', values['max-statements'], 16, 1),
    maxReports: intOpt('max-reports', values['max-reports'], 20, 0),
    ...(values.index !== undefined ? { only: intOpt('index', values.index, 0, 0) } : {}),
    ...(values.json ? {} : { onProgress: (n: number) => { if (n % 1000 === 0) process.stderr.write(`bpfspec fuzz: ${n} programs\n`); } }),
  });
  if (values.out !== undefined) {
    mkdirSync(values.out, { recursive: true });
    for (const d of report.disagreements) writeFileSync(`${values.out}/fuzz-${report.seed}-${d.index}.s`, d.example);
  }
  if (values.json) process.stdout.write(JSON.stringify(report, null, 1) + '\n');
  else process.stdout.write(formatFuzzReport(report, withKernel));
  // kernel verifier bugs are printed with their reproducers but are not the model's failures
  return report.disagreements.some((d) => isModelProblem(d.cls)) || report.unreported > 0 ? 1 : 0;
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
