// One event stream per signed-in page: views listen for approval changes and refetch what they show,
// so a decision made anywhere appears for every reviewer watching at once.
import { subscribe, type LinkState, type ServerEvent } from './sse.js';

type Listener = (event: ServerEvent) => void;

const listeners = new Set<Listener>();
let stop: (() => void) | null = null;

export function startLive(indicator: HTMLElement): void {
  if (stop) return;
  const state = (s: LinkState) => {
    indicator.className = `live ${s === 'live' ? 'on' : 'off'}`;
    indicator.textContent = s === 'live' ? 'live' : 'reconnecting…';
  };
  stop = subscribe('/api/events', (e) => listeners.forEach((l) => l(e)), state);
}

export function stopLive(indicator: HTMLElement): void {
  stop?.();
  stop = null;
  indicator.className = 'live';
  indicator.textContent = '';
}

/** Listen to approval changes; returns the function that stops listening. */
export function onLive(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
