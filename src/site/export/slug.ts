// Heading anchors as the site generates them, computed from the Markdown source.
//
// Astro gives every Markdown/MDX heading an id with github-slugger: the heading's text content,
// lower-cased, with every character that is not a letter, mark, number, connector punctuation
// (`_`), space or hyphen removed and spaces turned into hyphens; a repeated slug on one page gets
// `-1`, `-2`, ... appended. Checked against the built pages (e.g. "4. The result must be released
// — except on the NULL path" → `4-the-result-must-be-released--except-on-the-null-path`,
// "The `__ign` parameter in Linux 6.18" → `the-__ign-parameter-in-linux-618`).

/** github-slugger's slug of one text (no de-duplication). */
export function githubSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** github-slugger's de-duplicating slugger: one instance per page. */
export class HeadingSlugger {
  private readonly occurrences = new Map<string, number>();

  slug(text: string): string {
    const original = githubSlug(text);
    let result = original;
    while (this.occurrences.has(result)) {
      const n = (this.occurrences.get(original) ?? 0) + 1;
      this.occurrences.set(original, n);
      result = `${original}-${n}`;
    }
    this.occurrences.set(result, 0);
    return result;
  }
}

/**
 * The text content of a Markdown heading's inline source: code spans keep their content, links
 * and images keep their text, emphasis markers, HTML tags and backslash escapes are dropped.
 */
export function headingText(markdown: string): string {
  const codes: string[] = [];
  // Protect code spans first: nothing inside them is Markdown.
  let s = markdown.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_m, _ticks: string, body: string) => {
    codes.push(body.trim() === '' ? body : body.replace(/^ (.*) $/, '$1'));
    return `\uE000${codes.length - 1}\uE001`;
  });
  s = s
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/\*(?=\S)([\s\S]*?\S)\*/g, '$1')
    .replace(/(^|[^\p{L}\p{N}_])_(?=\S)([\s\S]*?\S)_(?![\p{L}\p{N}_])/gu, '$1$2')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"');
  return s.replace(/\uE000(\d+)\uE001/g, (_m, i: string) => codes[Number(i)] ?? '').trim();
}
