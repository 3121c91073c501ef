// The CLI contract: exit codes, JSON shapes, file:line:col errors, and that a flipped
// expectation fails `bpfspec check` and therefore `npm run build`.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = (args: string[]) => spawnSync(process.execPath, ['src/cli/main.ts', ...args], { encoding: 'utf8' });
const tmp = (name: string, text: string): string => {
  const d = mkdtempSync(join(tmpdir(), 'bpfspec-'));
  const f = join(d, name);
  writeFileSync(f, text);
  return f;
};

const GOOD = 'SEC("socket") __failure __msg("R0 !read_ok")\np:\n\texit\n';
const FLIPPED = 'SEC("socket") __success\np:\n\texit\n';

describe('bpfspec verify', () => {
  it('prints the JSON contract and exits 0 when programs agree', () => {
    const r = cli(['verify', tmp('a.s', GOOD), '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { programs: Record<string, unknown>[] };
    expect(Object.keys(j.programs[0])).toEqual(expect.arrayContaining(['name', 'verdict', 'error', 'log', 'insn_processed', 'verification_time_us', 'expected', 'agrees']));
    expect(j.programs[0]).toMatchObject({ name: 'p', verdict: 'reject', error: 'R0 !read_ok', agrees: true });
  });
  it('exits 1 when a program disagrees with its expectation', () => {
    expect(cli(['verify', tmp('b.s', FLIPPED)]).status).toBe(1);
  });
  it('exits 2 with file:line:col on malformed assembly', () => {
    const f = tmp('c.s', 'SEC("socket")\np:\n\tr0 = = 1\n\texit\n');
    const r = cli(['verify', f]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/c\.s:3:7: error: /);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
  it('prints a level-2 log in the kernel format', () => {
    const r = cli(['verify', tmp('d.s', 'SEC("socket") __success\np:\n\tr0 = 0\n\texit\n'), '--log-level', '2']);
    expect(r.stdout).toContain('0: (b7) r0 = 0                        ; R0=0');
    expect(r.stdout).toContain('processed 2 insns (limit 1000000)');
  });
});

describe('bpfspec check', () => {
  it('fails on a flipped expectation in a specs file', () => {
    const r = cli(['check', tmp('e.s', FLIPPED)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/e\.s:1:1: e\.p: expected accept, got reject/);
  });
  it('fails on a flipped expectation in an MDX page, so the build fails', () => {
    const mdx = `# t\n\n<Example id="t.flipped">\n\n\`\`\`bpf\n${FLIPPED}\`\`\`\n\n</Example>\n`;
    const r = cli(['check', tmp('f.mdx', mdx), '--site-data', join(tmpdir(), 'sd.json')]);
    expect(r.status).toBe(1);
    const build = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.build;
    expect(build.startsWith('node src/cli/main.ts check --site-data')).toBe(true);
    expect(build).toContain('&& astro build');
  });
  it('reports a broken MDX example with its position', () => {
    const r = cli(['check', tmp('g.mdx', '<Example id="x">\n\n```bpf\nSEC("socket")\np:\n\tr0 = r99\n\texit\n```\n</Example>\n')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/g\.mdx:6:\d+: error: register number 99/);
  });
  it('rejects unknown annotations and sections with their position', () => {
    const a = cli(['check', tmp('i.s', 'SEC("socket") __flag(BPF_F_TEST)\n__success\np:\n\texit\n')]);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/i\.s:1:15: error: unknown annotation __flag/);
    const b = cli(['check', tmp('j.s', 'SEC("nonsense") __success\np:\n\tr0 = 0\n\texit\n')]);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/j\.s:1:1: error: SEC\("nonsense"\)/);
    // capabilities the model does not know the effect of, and unknown profiles
    const c = cli(['check', tmp('c.s', 'SEC("syscall")\n__caps_drop("CAP_BPF") __success\np:\n\tr0 = 0\n\texit\n')]);
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/c\.s:2:1: error: __caps_drop: the model knows the effect of dropping CAP_SYS_BOOT only, not CAP_BPF/);
    const d = cli(['check', tmp('d.s', 'SEC("syscall")\n__profile("v7") __success\np:\n\tr0 = 0\n\texit\n')]);
    expect(d.status).toBe(2);
    expect(d.stderr).toMatch(/d\.s:2:1: error: unknown profile "v7" \(known: v6\.18, bpf-next, forbid-sleep-v3\)/);
  });
  it('emits json and junit', () => {
    const f = tmp('h.s', GOOD);
    const j = JSON.parse(cli(['check', f, '--format', 'json']).stdout) as { examples: { agrees: boolean; actual: { verdict: string } }[]; summary: { total: number } };
    expect(j.summary.total).toBe(1);
    expect(j.examples[0]).toMatchObject({ agrees: true, actual: { verdict: 'reject' } });
    expect(cli(['check', f, '--format', 'junit']).stdout).toContain('<testsuite name="bpfspec" tests="1" failures="0">');
  });
});

describe('bpfspec verify --kernel', () => {
  it('reports the kernel side (or says it skipped) and whether model and kernel agree', () => {
    const r = cli(['verify', tmp('k.s', GOOD), '--kernel', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { programs: { kernel: Record<string, unknown> | null; model_kernel_agree: boolean | null; rule: string | null; rule_page: string | null }[] };
    const p = j.programs[0];
    expect(p.rule).toBe('core.reg.read-uninit');
    expect(p.rule_page).toBe('/rules/core.reg.read-uninit/');
    if (p.kernel === null) {
      expect(r.stderr).toMatch(/kernel back end skipped: /);
    } else {
      expect(Object.keys(p.kernel)).toEqual(expect.arrayContaining(['verdict', 'error', 'errno', 'insn_processed', 'verification_time_us']));
      expect(p.kernel).toMatchObject({ verdict: 'reject', error: 'R0 !read_ok' });
      expect(p.model_kernel_agree).toBe(true);
    }
  });
  it('skips the kernel in one line when it is unavailable', () => {
    const r = spawnSync(process.execPath, ['src/cli/main.ts', 'verify', tmp('k2.s', GOOD), '--kernel'], { encoding: 'utf8', env: { ...process.env, BPFSPEC_KERNEL: '0' } });
    expect(r.status).toBe(0);
    expect(r.stderr.trim()).toBe('bpfspec: kernel back end skipped: kernel back end disabled by BPFSPEC_KERNEL=0');
  });
});

describe('bpfspec fuzz', () => {
  it('is reproducible from its seed and reports counts as JSON', () => {
    const run = (): { programs: number; counts: Record<string, number>; modelVerdicts: { accept: number; reject: number } } =>
      JSON.parse(cli(['fuzz', '--seed', '7', '--count', '40', '--json']).stdout) as never;
    const a = run();
    expect(a.programs).toBe(40);
    expect(a.modelVerdicts.accept + a.modelVerdicts.reject).toBe(40);
    expect(run()).toMatchObject({ counts: a.counts, modelVerdicts: a.modelVerdicts });
  });
  it('rejects unknown features and bad numbers with exit 2', () => {
    expect(cli(['fuzz', '--features', 'alu,nope']).status).toBe(2);
    expect(cli(['fuzz', '--count', 'x']).status).toBe(2);
  });
});
