// Diagrams drawn when they come near the viewport: mermaid is imported only then (see render.ts).
// Each [data-mermaid-lazy] element holds its mermaid text in a .mermaid-source <pre> (escaped by
// Astro); the drawing replaces it, and a failure leaves the text in place.

export function initLazyDiagrams(): void {
  const pending = [...document.querySelectorAll<HTMLElement>('[data-mermaid-lazy]:not([data-mermaid-started])')];
  if (pending.length === 0) return;
  const draw = (el: HTMLElement): void => {
    el.dataset.mermaidStarted = '1';
    const target = el.querySelector<HTMLElement>('[data-mermaid-target]') ?? el;
    const text = target.querySelector('.mermaid-source')?.textContent;
    if (text) void import('./render.ts').then(({ renderMermaid }) => renderMermaid(target, text));
  };
  const io = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        io.unobserve(e.target);
        draw(e.target as HTMLElement);
      }
    },
    { rootMargin: '300px' },
  );
  for (const el of pending) io.observe(el);
}
