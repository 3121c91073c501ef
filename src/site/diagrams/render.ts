// Drawing mermaid text in the browser. mermaid is bundled by Vite and imported only when a diagram
// is first shown (a separate chunk; nothing is fetched from another origin): it is configured
// with securityLevel 'strict' (labels sanitised, no click handlers) and the system font stack,
// so it neither loads fonts nor runs anything from the diagram text.

import type Mermaid from 'mermaid';

type MermaidApi = typeof Mermaid;

let counter = 0;
let ready: Promise<MermaidApi> | null = null;

function isDark(): boolean {
  // Starlight keeps the resolved theme on <html data-theme>
  return document.documentElement.dataset.theme === 'dark';
}

async function loadMermaid(): Promise<MermaidApi> {
  ready ??= import('mermaid').then(({ default: mermaid }) => {
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: isDark() ? 'dark' : 'default',
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      // instruction text is long: wrap labels at a width that keeps a kernel log line mostly whole
      flowchart: { useMaxWidth: true, wrappingWidth: 320 },
    });
    return mermaid;
  });
  return ready;
}

/** Drop anything executable from the parsed SVG (mermaid's strict mode already sanitises; this is a second fence). */
function scrub(root: Element): void {
  for (const el of [root, ...root.querySelectorAll('*')]) {
    if (el.localName === 'script' || el.localName === 'iframe' || el.localName === 'object' || el.localName === 'embed') {
      el.remove();
      continue;
    }
    for (const a of [...el.attributes]) {
      if (/^on/i.test(a.name) || (/href$/i.test(a.name) && !a.value.startsWith('#'))) el.removeAttribute(a.name);
    }
  }
}

/**
 * Render `text` into `container` (replacing its content). On failure the mermaid source stays
 * visible as text with the error, so nothing is hidden.
 */
export async function renderMermaid(container: HTMLElement, text: string): Promise<void> {
  try {
    const mermaid = await loadMermaid();
    const { svg } = await mermaid.render(`bpfspec-mermaid-${++counter}`, text);
    // Labels are HTML inside <foreignObject> (mermaid's default, which decodes the entity codes
    // mermaidText() writes); parsed inert by DOMParser, nothing runs while it is scrubbed.
    const doc = new DOMParser().parseFromString(svg, 'text/html');
    const root = doc.body.querySelector('svg');
    if (!root) throw new Error('mermaid produced no SVG');
    scrub(root);
    container.replaceChildren(document.importNode(root, true));
  } catch (err) {
    const pre = document.createElement('pre');
    pre.textContent = `${text}\n\n(diagram could not be drawn: ${(err as Error).message})`;
    container.replaceChildren(pre);
  }
}
