// Break-glass windows: a reviewer with the right opens one for a bounded time; once enough reviewers
// vouch for it (break_glass.open_quorum), calls it covers go through where policy holds or silences
// them (or denies them by rules that allow it). Another reviewer reviews it afterwards. Every step is
// a receipt, written first (as for approvals): if recording fails, nothing changes. Expired windows
// are closed by the sweep, with a receipt.
import { randomBytes } from 'node:crypto';
import picomatch from 'picomatch';
import type { z } from 'zod';
import type { Reviewer } from '../approvals/index.js';
import { sameIdentity } from '../config/index.js';
import { parseDuration } from '../core/duration.js';
import type { Logger } from '../log.js';
import type { BreakGlassEvent } from '../core/index.js';
import type { Store } from '../store/index.js';
import { BREAK_GLASS_RIGHT, BreakGlassError, OpenRequestSchema, parseWindow, ReviewRequestSchema, type BreakGlassWindow } from './schema.js';

const COLLECTION = 'break_glass';
export const EXPIRY_ACTOR = 'system:expiry';

/** Writes the window's receipt durably (the lead connects it to the ledger). */
export type BreakGlassRecorder = (event: BreakGlassEvent, window: BreakGlassWindow) => Promise<unknown>;

export interface BreakGlassOptions {
  store: Store;
  record: BreakGlassRecorder;
  /** The longest window (config break_glass.max_duration). */
  maxDurationMs: number;
  /** How many reviewers, the opener included, must vouch for a window before it lets anything through (config break_glass.open_quorum). */
  openQuorum?: number;
  log: Logger;
  clock?: () => Date;
}

export class BreakGlass {
  private readonly clock: () => Date;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: BreakGlassOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Opens a window; `request` is untrusted (the API body). */
  async open(reviewer: Reviewer, request: unknown): Promise<BreakGlassWindow> {
    requireRight(reviewer);
    const parsed = parseBody(OpenRequestSchema, request);
    const { reason, principal, surface } = parsed;
    const durationMs = parseDuration(parsed.for);
    if (durationMs <= 0 || durationMs > this.options.maxDurationMs) {
      throw new BreakGlassError('bad_request', `--for ${parsed.for} is outside 1ms..${this.options.maxDurationMs / 60_000}m (break_glass.max_duration)`);
    }
    const [server, tool] = surface ? surface.split('/') : [];
    const now = this.clock();
    const window: BreakGlassWindow = {
      id: `bg_${randomBytes(12).toString('hex')}`,
      opened_by: reviewer.id,
      reason,
      principal: principal ?? null,
      server: server ?? null,
      tool: tool ?? null,
      opened_at: now.toISOString(),
      expires_at: new Date(now.getTime() + durationMs).toISOString(),
      closed_at: null,
      closed_by: null,
      open_quorum: this.options.openQuorum ?? 1,
      confirmations: [],
      reviews: [],
    };
    await this.options.record('break_glass_open', window);
    await this.options.store.update(COLLECTION, window.id, () => window);
    this.options.log.warn({ break_glass: window.id, opened_by: reviewer.id, expires_at: window.expires_at }, 'break-glass window opened');
    return window;
  }

  /** A further reviewer with the right vouches for a window still waiting for its quorum; the one that meets it opens the window. */
  async confirm(reviewer: Reviewer, id: string): Promise<BreakGlassWindow> {
    requireRight(reviewer);
    const window = await this.get(id);
    if (!withinTime(window, this.clock())) throw new BreakGlassError('not_open', `break-glass window ${id} is closed or expired`);
    if (isConfirmed(window)) throw new BreakGlassError('not_open', `break-glass window ${id} needs no further confirmation`);
    if (vouchers(window).some((v) => sameIdentity(v, reviewer.id))) {
      throw new BreakGlassError('forbidden', `${reviewer.id} already opened or confirmed break-glass window ${id}: another reviewer must confirm it`);
    }
    const confirmed = { ...window, confirmations: [...window.confirmations, { by: reviewer.id, at: this.clock().toISOString() }] };
    await this.options.record('break_glass_confirm', confirmed);
    await this.options.store.update(COLLECTION, id, () => confirmed);
    this.options.log.warn({ break_glass: id, confirmed_by: reviewer.id, open: isConfirmed(confirmed) }, 'break-glass window confirmed');
    return confirmed;
  }

  /** After the fact: a reviewer with the right who neither opened nor confirmed the window records a review; `request` is untrusted. */
  async review(reviewer: Reviewer, id: string, request: unknown): Promise<BreakGlassWindow> {
    requireRight(reviewer);
    const { note } = parseBody(ReviewRequestSchema, request);
    const window = await this.get(id);
    if (vouchers(window).some((v) => sameIdentity(v, reviewer.id))) {
      throw new BreakGlassError('forbidden', `${reviewer.id} opened or confirmed break-glass window ${id}: a reviewer who did neither must review it`);
    }
    const reviewed = { ...window, reviews: [...window.reviews, { by: reviewer.id, at: this.clock().toISOString(), note }] };
    await this.options.record('break_glass_review', reviewed);
    await this.options.store.update(COLLECTION, id, () => reviewed);
    this.options.log.info({ break_glass: id, reviewed_by: reviewer.id }, 'break-glass window reviewed');
    return reviewed;
  }

  /** Closes an open window early. */
  async close(reviewer: Reviewer, id: string): Promise<BreakGlassWindow> {
    requireRight(reviewer);
    return this.closeWindow(id, reviewer.id);
  }

  async list(): Promise<BreakGlassWindow[]> {
    const all = (await this.options.store.find(COLLECTION, {})).map(parseWindow);
    return all.sort((a, b) => b.opened_at.localeCompare(a.opened_at));
  }

  /**
   * The open window that covers this call at `now`, if any: the gate lets a refused or held call
   * through with it. A window never covers the calls of the people who opened or confirmed it:
   * break-glass is people vouching for another's calls, never a way around the approval of one's own.
   */
  async activeWindowFor(principal: string, server: string, tool: string, now: Date): Promise<BreakGlassWindow | undefined> {
    const open = (await this.options.store.find(COLLECTION, { closed_at: null })).map(parseWindow);
    return open.find((w) => isActive(w, now) && !vouchers(w).some((v) => sameIdentity(v, principal)) && covers(w, principal, server, tool));
  }

  /** Closes every window whose time is up, each with its receipt; returns how many. */
  async sweep(now: Date = this.clock()): Promise<number> {
    const due = (await this.options.store.find(COLLECTION, { closed_at: null })).map(parseWindow).filter((w) => !withinTime(w, now));
    for (const w of due)
      await this.closeWindow(w.id, EXPIRY_ACTOR).catch((err: unknown) =>
        this.options.log.error({ err, break_glass: w.id }, 'closing an expired break-glass window failed'),
      );
    return due.length;
  }

  start(intervalMs = 1_000): void {
    this.sweeper ??= setInterval(() => void this.sweep(), intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private async get(id: string): Promise<BreakGlassWindow> {
    const stored = await this.options.store.get(COLLECTION, id);
    if (stored === undefined) throw new BreakGlassError('not_found', `no break-glass window ${id}`);
    return parseWindow(stored);
  }

  private async closeWindow(id: string, actor: string): Promise<BreakGlassWindow> {
    const window = await this.get(id);
    if (window.closed_at !== null) throw new BreakGlassError('not_open', `break-glass window ${id} was closed at ${window.closed_at} by ${window.closed_by}`);
    const now = this.clock();
    // A window closed after its time is recorded as ending when it expired: it never extends itself.
    const end = now.getTime() < Date.parse(window.expires_at) ? now.toISOString() : window.expires_at;
    const closed: BreakGlassWindow = { ...window, closed_at: end, closed_by: actor };
    await this.options.record('break_glass_close', closed);
    await this.options.store.update(COLLECTION, id, () => closed);
    this.options.log.warn({ break_glass: id, closed_by: actor }, 'break-glass window closed');
    return closed;
  }
}

function requireRight(reviewer: Reviewer): void {
  if (!reviewer.rights.includes(BREAK_GLASS_RIGHT)) {
    throw new BreakGlassError('forbidden', `${reviewer.id} lacks the "${BREAK_GLASS_RIGHT}" right (config reviewers[].rights)`);
  }
}

/** Untrusted: a request body, parsed or refused with the first problem. */
function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new BreakGlassError('bad_request', `${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** The reviewers who vouched for the window: the opener, then each confirmer. */
const vouchers = (w: BreakGlassWindow) => [w.opened_by, ...w.confirmations.map((c) => c.by)];

/** Enough reviewers vouched for the window (break_glass.open_quorum, the opener included). */
export const isConfirmed = (w: BreakGlassWindow) => vouchers(w).length >= w.open_quorum;

/** Not closed, and between its opening and its fixed expiry. */
function withinTime(w: BreakGlassWindow, now: Date): boolean {
  const t = now.getTime();
  return w.closed_at === null && Date.parse(w.opened_at) <= t && t < Date.parse(w.expires_at);
}

/** The window lets calls through: within its time and confirmed by its quorum. */
export function isActive(w: BreakGlassWindow, now: Date): boolean {
  return withinTime(w, now) && isConfirmed(w);
}

function covers(w: BreakGlassWindow, principal: string, server: string, tool: string): boolean {
  if (w.principal !== null && !sameIdentity(w.principal, principal)) return false;
  if (w.server !== null && w.server !== server) return false;
  return w.tool === null || picomatch.isMatch(tool, w.tool);
}
