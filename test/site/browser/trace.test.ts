// Trace stepping in the live trace viewer of an <Example> (src/site/trace/viewer.ts): stepping
// changes the state shown and the highlighted instruction; the last step of a rejected program
// shows the rule and the kernel's message, as the model reports them.
//
// This file is the place for trace-viewer tests (the viewer is built by another part of the
// work; selectors follow its markup: .tv-root, .tv-counter, .tv-headline, .tv-state, .tv-error).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { examplesFromMdx } from '../../../src/spec/collect.ts';
import { runPlayground } from '../../../src/site/playground/run.ts';
import { useSite, visit } from './harness.ts';

const PAGE_FILE = 'content/docs/kfuncs/kf-release.mdx';
const PAGE = '/kfuncs/kf-release/';

function modelOf(id: string): { verdict: string; error: string | null; ruleId: string | null } {
  const ex = examplesFromMdx(PAGE_FILE, readFileSync(PAGE_FILE, 'utf8')).find((e) => e.id === id);
  if (!ex) throw new Error(`example ${id} is no longer on ${PAGE_FILE}`);
  const r = runPlayground({ text: ex.source, logLevel: 2 });
  const p = r.kind === 'programs' ? r.programs[0] : undefined;
  if (!p) throw new Error(`example ${id} does not assemble to one program`);
  return p;
}

async function snapshot(viewer: Locator): Promise<{ counter: string; headline: string; state: string }> {
  return {
    counter: await viewer.locator('.tv-counter').innerText(),
    headline: await viewer.locator('.tv-headline').innerText(),
    state: await viewer.locator('.tv-state').innerText(),
  };
}

describe('trace viewer', () => {
  const site = useSite();

  it('steps through an accepted example: the state shown changes', async () => {
    const s = site();
    const page = await s.newPage();
    await visit(page, s, PAGE);
    const fig = page.locator('figure.bpfspec-example[data-example-id="kf.release.acquired"]');
    const viewer = fig.locator('.tv-root');
    await viewer.waitFor({ state: 'visible' });
    const first = await snapshot(viewer);
    expect(first.counter).toMatch(/^step 1 of \d+$/);
    await viewer.getByRole('button', { name: /^Next step/ }).click();
    const second = await snapshot(viewer);
    expect(second.counter).toMatch(/^step 2 of \d+$/);
    expect(second.headline).not.toBe(first.headline);
    expect(second.state).not.toBe(first.state);
    // the keyboard steps back
    await viewer.focus();
    await page.keyboard.press('ArrowLeft');
    expect(await snapshot(viewer)).toEqual(first);
    await page.close();
  });

  it('shows the rule and the message at the last step of a rejected example', async () => {
    const s = site();
    const model = modelOf('kf.release.not-acquired');
    expect(model.verdict).toBe('reject');
    const page = await s.newPage();
    await visit(page, s, PAGE);
    const viewer = page.locator('figure.bpfspec-example[data-example-id="kf.release.not-acquired"] .tv-root');
    await viewer.waitFor({ state: 'visible' });
    await viewer.getByRole('button', { name: 'Last step' }).click();
    const error = viewer.locator('.tv-error');
    await expect(error.isVisible()).resolves.toBe(true);
    expect(await error.locator('.tv-msg').innerText()).toBe(model.error);
    expect(await error.locator('a code').innerText()).toBe(model.ruleId);
    await page.close();
  });
});
