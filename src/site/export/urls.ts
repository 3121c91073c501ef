// The site's permanent URLs. Every rule, example and message has one that never moves when
// content pages are reorganised: /rules/<id>/, /examples/<id>/, /messages/<slug>/.
//
// `prefix` is what goes before the path: the base path without its trailing slash ('' for a
// site at the root), or an absolute origin plus base when the site URL is known.

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Throws unless `id` can be a URL path segment as is (rule and example ids are). */
export function assertUrlSafeId(kind: string, id: string): string {
  if (!SAFE_ID.test(id) || id === '.' || id === '..') {
    throw new Error(`bpfspec: ${kind} id "${id}" cannot be used in a URL: ids are letters, digits, '.', '_' and '-'`);
  }
  return id;
}

/** `import.meta.env.BASE_URL` ('/', '/docs/', '/docs') as a prefix without a trailing slash. */
export function basePrefix(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/** Absolute prefix (origin + base) when the site URL is configured, else the base prefix. */
export function sitePrefix(baseUrl: string, site: URL | string | undefined): string {
  if (site === undefined) return basePrefix(baseUrl);
  return basePrefix(new URL(baseUrl.startsWith('/') ? baseUrl : `/${baseUrl}`, site).href);
}

export const rulePath = (id: string): string => `/rules/${assertUrlSafeId('rule', id)}/`;
export const examplePath = (id: string): string => `/examples/${assertUrlSafeId('example', id)}/`;
export const messagePath = (slug: string): string => `/messages/${assertUrlSafeId('message', slug)}/`;

export const ruleUrl = (prefix: string, id: string): string => `${prefix}${rulePath(id)}`;
export const exampleUrl = (prefix: string, id: string): string => `${prefix}${examplePath(id)}`;
export const messageUrl = (prefix: string, slug: string): string => `${prefix}${messagePath(slug)}`;
/** A site path (as produced by the docs index, starting with '/') under the prefix. */
export const pathUrl = (prefix: string, path: string): string => `${prefix}${path}`;
