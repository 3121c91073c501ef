// The playground in Chromium: a program from a share link is verified in the page's Web Worker,
// an edit re-verifies it (the verdict flips), the link follows the editor, a copied or pasted link
// restores the program, broken links and assembler errors are reported as text, program text is
// never run as HTML, and a run over the time budget is stopped. Expected verdicts and messages
// come from the model run here in Node on the same text, never from constants in this file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { examplesFromMdx } from '../../../src/spec/collect.ts';
import { decodeProgram, encodeProgram, playgroundHref, ShareLinkError } from '../../../src/site/share-link.ts';
import { runPlayground, type ProgramRun } from '../../../src/site/playground/run.ts';
import { currentRun, editorText, replaceEditorText, useSite, visit, waitForRun } from './harness.ts';

const PAGE = 'content/docs/kfuncs/kf-release.mdx';
const EXAMPLE_ID = 'kf.release.acquired';

function example(id: string): string {
  const ex = examplesFromMdx(PAGE, readFileSync(PAGE, 'utf8')).find((e) => e.id === id);
  if (!ex) throw new Error(`example ${id} is no longer on ${PAGE}: pick another accepted example that calls a release kfunc`);
  return ex.source;
}

/** What the model says about `text` (the only program in it), run here in Node. */
function modelSays(text: string): ProgramRun {
  const r = runPlayground({ text, logLevel: 2 });
  if (r.kind !== 'programs' || r.programs.length !== 1 || !r.programs[0]) throw new Error('expected exactly one program');
  return r.programs[0];
}

async function shown(page: Page): Promise<{ verdict: string; reason: string; rule: string | null; ruleHref: string | null; insns: string }> {
  const card = page.locator('#bpfspec-playground .pg-program').first();
  const rule = card.locator('a.pg-rule');
  const hasRule = (await rule.count()) > 0;
  return {
    verdict: await card.locator('.pg-verdict').first().innerText(),
    reason: await card.locator('.pg-reason').innerText(),
    rule: hasRule ? await rule.innerText() : null,
    ruleHref: hasRule ? await rule.getAttribute('href') : null,
    insns: await card.locator('.pg-insns').innerText(),
  };
}

const hashProgram = (page: Page): string | null => decodeProgram(new URL(page.url()).hash);

describe('playground', () => {
  const site = useSite();

  it('shows the live trace of the program and steps through it', async () => {
    const s = site();
    const source = example(EXAMPLE_ID);
    const model = modelSays(source);
    if (!model.trace) throw new Error('the model produced no trace');
    const steps = model.trace.steps;
    const page = await s.newPage();
    await visit(page, s, playgroundHref(source));
    await waitForRun(page, 0);
    const viewer = page.locator('#bpfspec-playground .pg-trace .tv-root');
    await expect(viewer.locator('.tv-counter').innerText()).resolves.toBe(`step 1 of ${steps.length}`);
    const firstState = await viewer.locator('.tv-state').innerText();
    const firstInsn = await viewer.locator('.tv-insn').innerText();
    await viewer.locator('button[title^="Next step"]').click();
    await expect(viewer.locator('.tv-counter').innerText()).resolves.toBe(`step 2 of ${steps.length}`);
    // the second step is another instruction, with the state the model recorded after it
    expect(await viewer.locator('.tv-insn').innerText()).not.toBe(firstInsn);
    expect(await viewer.locator('.tv-state').innerText()).not.toBe(firstState);
    await viewer.locator('button[title="Last step"]').click();
    await expect(viewer.locator('.tv-counter').innerText()).resolves.toBe(`step ${steps.length} of ${steps.length}`);
    await page.close();
  });

  it('verifies an example from its share link, and an edit flips the verdict', async () => {
    const s = site();
    const source = example(EXAMPLE_ID);
    const before = modelSays(source);
    expect(before.verdict).toBe('accept');
    const edited = source.replace(/^[ \t]*call bpf_task_release[ \t]*\n/m, '');
    expect(edited).not.toBe(source);
    const after = modelSays(edited);
    expect(after.verdict).toBe('reject');

    const page = await s.newPage();
    await visit(page, s, playgroundHref(source));
    const first = await waitForRun(page, 0);
    expect(await editorText(page)).toBe(source);
    expect(await shown(page)).toEqual({ verdict: 'accept', reason: '—', rule: null, ruleHref: null, insns: `${before.insnProcessed} insns` });
    await expect(page.locator('.pg-documented').innerText()).resolves.toMatch(/^✔ Matches the documented outcome/);
    const log = await page.locator('.pg-log').innerText();
    expect(log).toContain('Live regs before insn:'); // the level-2 log
    expect(log.trim().split('\n').at(-1)).toBe(before.log.trim().split('\n').at(-1));

    // delete the release call the way a person would: from the end of the line before it to the
    // end of its own line, then Delete
    await page.locator('.cm-line', { hasText: 'call bpf_task_release' }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+ArrowUp');
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Delete');
    await waitForRun(page, first);
    expect(await editorText(page)).toBe(edited);
    expect(await shown(page)).toEqual({
      verdict: 'reject',
      reason: after.error,
      rule: after.ruleId,
      ruleHref: `/rules/${after.ruleId}/`,
      insns: `${after.insnProcessed} insns`,
    });
    await expect(page.locator('.pg-documented').innerText()).resolves.toMatch(/^✘ Differs from the documented outcome/);
    expect(await page.locator('.pg-problems').innerText()).toBe('expected accept, got reject');

    // the link follows the editor
    expect(hashProgram(page)).toBe(edited);
    // the rule link leads to the rule's page
    await page.locator('a.pg-rule').click();
    await page.waitForURL(`**/rules/${after.ruleId}/`);
    expect(await page.locator('h1').first().innerText()).toBe(after.ruleId);
    await page.close();
  });

  it('opens every example of a page from its "Open in playground" link', async () => {
    const s = site();
    const page = await s.newPage();
    await visit(page, s, '/kfuncs/kf-release/');
    const sources = new Map(examplesFromMdx(PAGE, readFileSync(PAGE, 'utf8')).map((e) => [e.id, e.source]));
    const figures = page.locator('figure.bpfspec-example');
    const ids = await figures.evaluateAll((fs) => fs.map((f) => (f as HTMLElement).dataset.exampleId ?? ''));
    expect(ids.length).toBe(sources.size);
    for (const id of ids) {
      const href = await page.locator(`figure.bpfspec-example[data-example-id="${id}"] a`, { hasText: 'Open in playground' }).getAttribute('href');
      expect(href, id).toMatch(/^\/playground\/#v1=/);
      expect(decodeProgram(new URL(href ?? '', s.origin).hash), id).toBe(sources.get(id));
    }
    // follow one: the playground opens with the example and agrees with the page's verdict
    const fig = page.locator(`figure.bpfspec-example[data-example-id="${EXAMPLE_ID}"]`);
    await fig.locator('a', { hasText: 'Open in playground' }).click();
    await page.waitForURL('**/playground/#v1=*');
    await waitForRun(page, 0);
    expect(await editorText(page)).toBe(sources.get(EXAMPLE_ID));
    expect((await shown(page)).verdict).toBe(modelSays(sources.get(EXAMPLE_ID) ?? '').verdict);
    await page.close();
  });

  it('restores a program from a copied link in a new tab', async () => {
    const s = site();
    await s.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.origin });
    const page = await s.newPage();
    await visit(page, s, '/playground/');
    const run = await waitForRun(page, 0);
    const text = 'SEC("socket")\n__failure __msg("R0 !read_ok")\nmine:\n\texit\n';
    await replaceEditorText(page, text);
    await waitForRun(page, run);
    await page.locator('.pg-copy').click();
    await expect(page.locator('.pg-copy-status').innerText()).resolves.toBe('Link copied.');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(page.url());
    expect(decodeProgram(new URL(copied).hash)).toBe(text);

    const other = await s.newPage();
    await other.goto(copied);
    await waitForRun(other, 0);
    expect(await editorText(other)).toBe(text);
    expect((await shown(other)).verdict).toBe(modelSays(text).verdict);
    await expect(other.locator('.pg-documented').innerText()).resolves.toMatch(/^✔/);

    // a link pasted into the address bar of an open playground (only the fragment changes)
    const next = 'SEC("socket")\npasted:\n\tr0 = 1\n\texit\n';
    const before = await currentRun(other);
    await other.evaluate((h) => { location.hash = h; }, encodeProgram(next));
    await waitForRun(other, before);
    await other.waitForFunction((t) => document.querySelector('.pg-program h3 code')?.textContent === t, 'pasted');
    expect(await editorText(other)).toBe(next);
    await page.close();
    await other.close();
  });

  it('shows why a damaged link cannot be loaded, as text, and keeps working', async () => {
    const s = site();
    const bad = '#v1=AAAA$';
    let message = '';
    try {
      decodeProgram(bad);
    } catch (e) {
      if (!(e instanceof ShareLinkError)) throw e;
      message = e.message;
    }
    expect(message).not.toBe('');
    const page = await s.newPage();
    await visit(page, s, `/playground/${bad}`);
    await waitForRun(page, 0);
    const notice = page.locator('.pg-notice');
    await expect(notice.isVisible()).resolves.toBe(true);
    expect(await notice.innerText()).toContain(message);
    // the default example is loaded and verified instead
    expect((await shown(page)).verdict).toMatch(/^(accept|reject)$/);
    await page.close();
  });

  it('reports assembler errors with file:line:col and marks the line', async () => {
    const s = site();
    const text = 'SEC("socket")\nbroken:\n\tr0 = \n\texit\n';
    const r = runPlayground({ text, logLevel: 2 });
    if (r.kind !== 'source-error') throw new Error('expected an assembler error');
    const page = await s.newPage();
    await visit(page, s, playgroundHref(text));
    await waitForRun(page, 0);
    expect(await page.locator('.pg-source-error').innerText()).toBe(r.formatted);
    expect(r.formatted).toMatch(/^playground\.s:3:\d+: error: /);
    expect(await page.locator('.cm-line.pg-error-line').innerText()).toBe('\tr0 = ');
    await page.close();
  });

  it('shows program text from a link as text, never as HTML', async () => {
    const s = site();
    const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const text = `SEC("socket")\n__failure __msg("${payload.replaceAll('"', '\\"')}")\n// ${payload}\nxss:\n\texit\n`;
    const page = await s.newPage();
    await visit(page, s, playgroundHref(text));
    await waitForRun(page, 0);
    // the program is shown (and verified) as the text it is
    expect(await editorText(page)).toBe(text);
    const documented = await page.locator('.pg-documented code.msg').allInnerTexts();
    expect(documented.join('\n')).toContain('<img src=x onerror=');
    expect(await page.locator('#bpfspec-playground img, #bpfspec-playground script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(s.watch.requests.some((u) => new URL(u).pathname.endsWith('/x'))).toBe(false);
    // and a link whose text does not even assemble
    await page.goto(s.url(playgroundHref(payload)));
    await waitForRun(page, 0);
    expect(await page.locator('.pg-source-error').innerText()).toMatch(/^playground\.s:1:1: error: /);
    expect(await editorText(page)).toBe(payload);
    expect(await page.locator('#bpfspec-playground img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.close();
  });

  it('stops a run over the time budget, and a newer edit cancels a slow run', async () => {
    const s = site();
    // walked until the kernel's 1M-instruction limit: far longer than the 5 s budget in a browser
    const slow = 'SEC("socket")\nunbounded:\n\tcall bpf_get_prandom_u32\n\tr1 = 0\nl:\n\tr1 += 1\n\tif r1 != r0 goto l\n\tr0 = 0\n\texit\n';
    const quick = 'SEC("socket")\nquick:\n\tr0 = 0\n\texit\n';
    const page = await s.newPage();
    const t0 = Date.now();
    await visit(page, s, playgroundHref(slow));
    let run = await waitForRun(page, 0, 'timeout', 20_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(5000);
    expect(await page.locator('.pg-status').innerText()).toMatch(/longer than 5 s/);
    // the restarted worker verifies the next program
    await replaceEditorText(page, quick);
    run = await waitForRun(page, run);
    expect((await shown(page)).verdict).toBe('accept');

    // cancel: a slow program, then an edit long before its budget runs out
    await replaceEditorText(page, slow);
    await page.waitForFunction(() => document.getElementById('bpfspec-playground')?.dataset.state === 'running');
    const t1 = Date.now();
    await replaceEditorText(page, quick.replace('r0 = 0', 'r0 = 1'));
    await waitForRun(page, run);
    expect(Date.now() - t1).toBeLessThan(4000);
    expect((await shown(page)).verdict).toBe('accept');
    await page.close();
  });
});
