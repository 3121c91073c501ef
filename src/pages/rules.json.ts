// /rules.json, prerendered with the site: every rule's facts for review bots (schema in
// src/site/export/rules-json.ts). The build fails if the export does not pass its own schema check.
import type { APIRoute } from 'astro';
import { loadSiteModel } from '../site/export/context.ts';
import { buildRulesJson, validateRulesJson } from '../site/export/rules-json.ts';
import { sitePrefix } from '../site/export/urls.ts';

export const prerender = true;

export const GET: APIRoute = ({ site }) => {
  const prefix = sitePrefix(import.meta.env.BASE_URL, site);
  const json = buildRulesJson(loadSiteModel(), prefix);
  const problems = validateRulesJson(json, prefix);
  if (problems.length > 0) throw new Error(`bpfspec: rules.json fails its schema check:\n  ${problems.slice(0, 20).join('\n  ')}`);
  return new Response(`${JSON.stringify(json, null, 1)}\n`, { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
};
