// The site half of `npm run bench`: build time, page load times and weights in Chromium, and the
// playground's time to re-verify a 200-instruction program after an edit.
//
//   node scripts/bench-site.ts [--out DIR] [--no-build] [--no-pages] [--runs N]
// (also run by scripts/bench.ts after the model numbers). --out builds into DIR instead of dist/;
// --no-build measures an existing build; --no-pages skips loading every page.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAsm } from '../src/asm/parse.ts';
import { asmOptions } from '../src/spec/resolve.ts';
import { runPlayground } from '../src/site/playground/run.ts';
import { decodeProgram, playgroundHref } from '../src/site/share-link.ts';
import { DEBOUNCE_MS } from '../src/site/playground/limits.ts';
import { builtPages, DIST_DIR, serveDir } from './serve-dist.ts';
import type { Page, Response } from 'playwright-core';
import { launchChromium, watchedContext } from './site-browser.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface SiteBenchOptions {
  outDir: string;
  build: boolean;
  /** Load every page (the slowest part). */
  pages: boolean;
  /** Timed edits in the playground (after one warm-up). */
  runs: number;
}

const ms = (x: number): string => `${Math.round(x)} ms`;
const kb = (x: number): string => `${(x / 1024).toFixed(1)} KiB`;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? 0 : n % 2 ? (s[(n - 1) >> 1] ?? 0) : ((s[n / 2 - 1] ?? 0) + (s[n / 2] ?? 0)) / 2;
};

function timed(label: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' }, maxBuffer: 256 * 1024 * 1024 });
  const t = performance.now() - t0;
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout}${r.stderr}`);
    throw new Error(`${label} failed (exit ${r.status ?? r.signal})`);
  }
  return t;
}

/**
 * A valid straight-line program of exactly `n` instructions: 64- and 32-bit ALU on r0-r5, stack
 * spills and fills. Checked here: it assembles to `n` slots and the model accepts it.
 */
export function benchProgram(n = 200, variant = 0): string {
  const body: string[] = ['\tr0 = 0', '\tr1 = 1', '\tr2 = 2', '\tr3 = 3', '\tr4 = 4', '\tr5 = 5'];
  const ops = [
    (i: number) => `\tr${i % 6} += ${(i % 13) + 1}`,
    (i: number) => `\tw${(i + 1) % 6} ^= ${(i * 7) % 256}`,
    (i: number) => `\t*(u64 *)(r10 - ${8 * ((i % 16) + 1)}) = r${(i + 2) % 6}`,
    (i: number) => `\tr${(i + 3) % 6} = *(u64 *)(r10 - ${8 * ((i % 16) + 1)})`,
    (i: number) => `\tr${(i + 4) % 6} <<= ${i % 7}`,
    (i: number) => `\tr${(i + 5) % 6} = r${i % 6}`,
  ];
  // stores come before the loads of the same slot: the first 16 ops after the prologue store
  for (let i = 0; body.length < n - 2; i++) body.push(i < 16 ? `\t*(u64 *)(r10 - ${8 * (i + 1)}) = r${i % 6}` : (ops[i % ops.length] ?? ops[0])(i));
  body.push(`\tr0 = ${variant}`, '\texit');
  const text = `SEC("socket")\n__success\nbench_${n}:\n${body.join('\n')}\n`;
  const parsed = parseAsm(text, 'bench.s', asmOptions()).programs[0];
  if (parsed?.program.insns.length !== n) throw new Error(`benchProgram: ${parsed?.program.insns.length ?? 0} instructions, wanted ${n}`);
  const r = runPlayground({ text, logLevel: 2 });
  if (r.kind !== 'programs' || r.programs[0]?.verdict !== 'accept') throw new Error('benchProgram: the model does not accept the generated program');
  return text;
}

export async function siteBench(opts: SiteBenchOptions): Promise<void> {
  const out = resolve(opts.outDir);
  console.log('\nsite');
  if (opts.build) {
    const check = timed('bpfspec check', ['src/cli/main.ts', 'check', '--site-data', '.bpfspec/site-data.json']);
    const astro = timed('astro build', ['node_modules/astro/bin/astro.mjs', 'build', '--outDir', out]);
    console.log(`build: ${ms(check + astro)} (bpfspec check ${ms(check)} + astro build ${ms(astro)})`);
  } else console.log(`build: not measured (--no-build), measuring ${out}`);

  const server = await serveDir(out);
  const browser = await launchChromium();
  try {
    const { context, watch } = await watchedContext(browser, server.origin);
    const page = await context.newPage();
    if (opts.pages) await pagesBench(page, server.origin, out);
    await playgroundBench(page, server.origin, opts.runs);
    if (watch.errors.length || watch.foreign.length) {
      throw new Error(`site bench: console errors or requests to other origins:\n${[...watch.errors, ...watch.foreign].join('\n')}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Load every built page: load time (navigation start to the load event) and weight. */
async function pagesBench(page: Page, origin: string, out: string): Promise<void> {
  let loaded: string[] = [];
  const onResponse = (res: Response): void => {
    loaded.push(new URL(res.url()).pathname);
  };
  page.on('response', onResponse);
  const rows: { path: string; loadMs: number; bytes: number }[] = [];
  for (const path of builtPages(out)) {
    loaded = [];
    const res = await page.goto(`${origin}${path}`, { waitUntil: 'load' });
    if (res?.status() !== 200) throw new Error(`${path}: HTTP ${res?.status() ?? 'no response'}`);
    const loadMs = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return nav ? nav.loadEventEnd - nav.startTime : NaN;
    });
    // page weight: the HTML and every same-origin script and style sheet it loaded (a worker too)
    const files = new Set(loaded.filter((p) => p === path || /\.(m?js|css)$/.test(p)));
    let bytes = 0;
    for (const p of files) bytes += statSync(join(out, decodeURIComponent(p), p.endsWith('/') ? 'index.html' : '')).size;
    rows.push({ path, loadMs, bytes });
  }
  page.off('response', onResponse);
  const byLoad = [...rows].sort((a, b) => b.loadMs - a.loadMs);
  console.log(`pages: ${rows.length} loaded in Chromium, median load ${ms(median(rows.map((r) => r.loadMs)))}; slowest:`);
  for (const r of byLoad.slice(0, 5)) console.log(`  ${ms(r.loadMs).padStart(8)}  ${r.path}`);
  const byWeight = [...rows].sort((a, b) => b.bytes - a.bytes);
  const total = rows.reduce((n, r) => n + r.bytes, 0);
  console.log(`page weight (HTML + same-origin JS/CSS): max ${kb(byWeight[0]?.bytes ?? 0)} (${byWeight[0]?.path ?? '-'}), median ${kb(median(rows.map((r) => r.bytes)))}, total ${kb(total)}`);
  const pg = rows.find((r) => r.path === '/playground/');
  if (pg) console.log(`  playground page: ${kb(pg.bytes)} (editor and the verifier worker with the catalogue)`);
}

/** Time from a keystroke in the playground to the new verdict on screen. */
async function playgroundBench(page: Page, origin: string, runs: number): Promise<void> {
  // The playground: time from a keystroke to the new verdict on screen, in a 200-instruction
  // program. The edits alternate between typing a digit at the end of the last `r0 = 1` and
  // deleting it again (`r0 = 12` / `r0 = 1`), each a single keystroke, each a valid program.
  const program = benchProgram(200, 1);
  await page.goto(`${origin}${playgroundHref(program)}`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.getElementById('bpfspec-playground')?.dataset.state === 'done', undefined, { timeout: 60_000 });
  await page.evaluate(() => {
    const w = window as unknown as { benchEditAt: number; benchShownAt: number };
    const root = document.getElementById('bpfspec-playground');
    // keydown, not beforeinput: CodeMirror handles Backspace itself, with no input event
    document.addEventListener('keydown', () => { w.benchEditAt = performance.now(); }, true);
    if (root) new MutationObserver(() => { if (root.dataset.state === 'done' && w.benchShownAt < 0) w.benchShownAt = performance.now(); }).observe(root, { attributes: true, attributeFilter: ['data-run'] });
  });
  // the cursor to the end of `r0 = 1`, the line before the final `exit`
  await page.locator('#bpfspec-playground .cm-content').click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('End');
  const totals: number[] = [];
  const workerMs: number[] = [];
  for (let i = 0; i <= runs; i++) {
    await page.evaluate(() => {
      const w = window as unknown as { benchEditAt: number; benchShownAt: number };
      w.benchEditAt = -1;
      w.benchShownAt = -1;
    });
    await page.keyboard.press(i % 2 === 0 ? '2' : 'Backspace');
    const got = await page.waitForFunction(() => {
      const w = window as unknown as { benchEditAt: number; benchShownAt: number };
      return w.benchShownAt >= 0 && w.benchEditAt >= 0 ? { total: w.benchShownAt - w.benchEditAt, status: document.querySelector('#bpfspec-playground .pg-status')?.textContent ?? '' } : null;
    }, undefined, { timeout: 60_000 });
    const { total, status } = (await got.jsonValue()) as { total: number; status: string };
    const verdict = await page.locator('#bpfspec-playground .pg-verdict').first().innerText();
    if (verdict !== 'accept') throw new Error(`playground bench: verdict ${verdict} (${status})`);
    const expected = benchProgram(200, i % 2 === 0 ? 12 : 1);
    const shownText = decodeProgram(new URL(page.url()).hash);
    if (shownText !== expected) throw new Error('playground bench: the edit did not produce the expected program');
    if (i === 0) continue; // warm-up
    totals.push(total);
    workerMs.push(Number(/in (\d+) ms/.exec(status)?.[1] ?? NaN));
  }
  console.log(
    `playground re-verify, 200-insn program (median of ${runs} one-keystroke edits): ${ms(median(totals))} from keystroke to verdict on screen ` +
      `(${DEBOUNCE_MS} ms of it the typing debounce), ${ms(median(workerMs))} in the worker (assemble + verify at log level 2 + compare)`,
  );
}

export function siteBenchOptions(argv: string[]): SiteBenchOptions {
  const at = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return { outDir: at('--out') ?? DIST_DIR, build: !argv.includes('--no-build'), pages: !argv.includes('--no-pages'), runs: Number(at('--runs') ?? 7) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await siteBench(siteBenchOptions(process.argv.slice(2)));
}
