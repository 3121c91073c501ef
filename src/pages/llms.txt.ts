// /llms.txt, prerendered with the site: a Markdown digest linking rules.json and every rule with
// its one-sentence statement (src/site/export/llms.ts).
import type { APIRoute } from 'astro';
import { loadSiteModel } from '../site/export/context.ts';
import { buildLlmsTxt } from '../site/export/llms.ts';
import { buildRulesJson } from '../site/export/rules-json.ts';
import { sitePrefix } from '../site/export/urls.ts';

export const prerender = true;

export const GET: APIRoute = ({ site }) => {
  const prefix = sitePrefix(import.meta.env.BASE_URL, site);
  const model = loadSiteModel();
  const examples = Object.values(model.data.examples);
  const text = buildLlmsTxt(buildRulesJson(model, prefix), {
    prefix,
    exampleCount: examples.length,
    confirmedCount: examples.filter((e) => e.confirmedOn !== null).length,
  });
  return new Response(text, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
};
