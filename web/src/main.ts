// The reviewer console's entry: signed out it shows the sign-in and nothing else; signed in it runs
// one event stream and routes by the URL fragment (which never holds the token) to one view.
import { SESSION_CHANGED } from './api.js';
import { h, show } from './dom.js';
import { installShortcuts, setShortcuts } from './keys.js';
import { startLive, stopLive } from './live.js';
import { signOut, token } from './session.js';
import { breakGlassView } from './views/break-glass.js';
import { driftsView } from './views/drifts.js';
import { heldCallView } from './views/held-call.js';
import { overviewView } from './views/overview.js';
import { queueView } from './views/queue.js';
import { receiptView } from './views/receipt.js';
import { reviewView } from './views/review.js';
import { focusSearchOnEntry, receiptsView } from './views/receipts.js';
import { signInView } from './views/signin.js';
import type { View } from './views/view.js';

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const live = document.getElementById('live')!;

const SECTIONS: Array<[string, string]> = [
  ['#/queue', 'Queue'],
  ['#/receipts', 'Receipts'],
  ['#/overview', 'Overview'],
  ['#/review', 'Review'],
  ['#/drifts', 'Drifts'],
  ['#/break-glass', 'Break-glass'],
];

const ROUTES: Array<[RegExp, View]> = [
  [/^\/approvals\/([^/]+)$/, heldCallView],
  [/^\/receipts\/([^/]+)$/, receiptView],
  [/^\/receipts$/, receiptsView],
  [/^\/overview$/, overviewView],
  [/^\/review$/, reviewView],
  [/^\/drifts$/, driftsView],
  [/^\/break-glass$/, breakGlassView],
  [/^\/(queue)?$/, queueView],
];

let cleanup: (() => void) | void;

function route(): void {
  cleanup?.();
  cleanup = undefined;
  setShortcuts({});
  if (!token()) {
    nav.hidden = true;
    stopLive(live);
    cleanup = signInView(main, new URLSearchParams(), '');
    return;
  }
  nav.hidden = false;
  startLive(live);
  const [path = '', search = ''] = location.hash.replace(/^#/, '').split('?');
  const [pattern, view] = ROUTES.find(([re]) => re.test(path)) ?? ROUTES[ROUTES.length - 1]!;
  const arg = decodeURIComponent(pattern.exec(path)?.[1] ?? '');
  for (const link of nav.querySelectorAll('a')) {
    const current = path.startsWith(link.getAttribute('href')!.slice(1)) || (path === '' && link.hash === '#/queue');
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  cleanup = view(main, new URLSearchParams(search), arg);
  if (!main.contains(document.activeElement)) main.focus({ preventScroll: true });
}

show(
  nav,
  ...SECTIONS.map(([href, label]) => h('a', { href }, label)),
  h(
    'button',
    {
      type: 'button',
      onclick: () => {
        signOut();
        route();
      },
    },
    'Sign out',
  ),
);
installShortcuts({
  '/': () => {
    focusSearchOnEntry();
    if (location.hash.startsWith('#/receipts') && !/^#\/receipts\/./.test(location.hash)) route();
    else location.hash = '#/receipts';
  },
  g: () => (location.hash = '#/queue'),
  o: () => (location.hash = '#/overview'),
  d: () => (location.hash = '#/drifts'),
});
window.addEventListener('hashchange', route);
window.addEventListener(SESSION_CHANGED, route);
route();
