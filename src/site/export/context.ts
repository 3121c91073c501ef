// Build-time loading for the citable pages and exports: the results file, the content pages'
// MDX sources and the catalogues, assembled into a SiteModel once per build (again in
// `astro dev` when the results file or a content page changes). Runs in Node at build time only.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadSiteData, siteDataPath } from '../results.ts';
import { allRules } from '../../messages/catalog.ts';
import { kfuncDef } from '../../catalog/kfuncs.ts';
import { kernelKfunc } from '../../catalog/kernel-types.ts';
import { CONTENT_DIR, parseDocPage, type DocPage } from './docs.ts';
import { buildSiteModel, type KfuncFacts, type SiteModel } from './model.ts';

/** Content files as the docs collection globs them: Markdown/MDX, no `_`-prefixed files. */
const CONTENT_FILE = /(^|\/)[^_/][^/]*\.(markdown|mdown|mkdn|mkd|mdwn|md|mdx)$/;

/** The content pages' files, relative to `root`, sorted. */
export function contentFiles(root: string = process.cwd()): string[] {
  const dir = resolve(root, CONTENT_DIR);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.replace(/\\/g, '/'))
    .filter((f) => CONTENT_FILE.test(f))
    .sort()
    .map((f) => `${CONTENT_DIR}/${f}`);
}

export function loadDocPages(root: string = process.cwd()): DocPage[] {
  return contentFiles(root).map((f) => parseDocPage(f, readFileSync(join(root, f), 'utf8')));
}

/** kfunc facts: the flag table first (it has KF_* flags), else the kernel BTF catalogue (no flags known). */
export function kfuncFacts(name: string): KfuncFacts | undefined {
  const def = kfuncDef(name);
  if (def) return { flags: def.flags, inKernel: def.inKernel };
  return kernelKfunc(name) ? { flags: [], inKernel: true } : undefined;
}

let cache: { key: string; model: SiteModel } | undefined;

/** The site model for this build (cached while neither the results file nor a content page changes). */
export function loadSiteModel(root: string = process.cwd()): SiteModel {
  const dataPath = siteDataPath(process.env, root);
  const data = loadSiteData(dataPath);
  const files = contentFiles(root);
  const key = [dataPath, data.generatedAt, ...files.map((f) => `${f}@${statSync(join(root, f)).mtimeMs}`)].join('\n');
  if (cache?.key === key) return cache.model;
  const model = buildSiteModel({ data, pages: loadDocPages(root), catalogue: allRules(), kfunc: kfuncFacts });
  cache = { key, model };
  return model;
}
