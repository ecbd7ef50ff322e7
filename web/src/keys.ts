// Keyboard shortcuts: each view installs its own map; keys typed into form fields are left alone.
export type Shortcuts = Record<string, () => void>;

let current: Shortcuts = {};

export function setShortcuts(map: Shortcuts): void {
  current = map;
}

export function installShortcuts(global: Shortcuts): void {
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target as HTMLElement | null;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (document.querySelector('dialog[open]')) return;
    if (event.key === 'Enter' && target && /^(A|BUTTON|SUMMARY)$/.test(target.tagName)) return;
    const run = current[event.key] ?? global[event.key];
    if (run) {
      event.preventDefault();
      run();
    }
  });
}

/** j/k over a list of articles: focus the one `step` away from the focused one (the first when none is). */
export function focusStep(articles: HTMLElement[], step: number): void {
  const current = articles.indexOf(document.activeElement?.closest('article') as HTMLElement);
  const next = articles[Math.max(0, Math.min(articles.length - 1, current < 0 ? 0 : current + step))];
  next?.focus();
  next?.scrollIntoView({ block: 'nearest' });
}
