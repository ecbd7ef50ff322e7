// Tells reviewers about approvals by webhook: per rule (ApprovalSpec.webhooks, every matched rule's) and global
// (config `notify.webhook`). Delivery runs beside the hold, never in its way: failures are retried
// with exponential backoff and logged. Argument values are never sent (only their sha256): a
// reviewer reads them through the authenticated admin API. Webhook URLs are secrets: only their
// host is logged.
import type { Logger } from '../log.js';
import type { Approvals } from './approvals.js';
import { describeRequirement } from './requirement.js';
import type { ApprovalChange, ChangeKind, HeldCall } from './schema.js';

const NOTIFIED: ReadonlySet<ChangeKind> = new Set(['hold', 'approve', 'reject', 'expire', 'cancel']);

export interface WebhookOptions {
  log: Logger;
  /** The global webhook, notified of every approval besides the rule's own. */
  url?: string;
  /** Retries after the first failed attempt (default 4). */
  retries?: number;
  /** First retry delay, doubled for each further one (default 1 s). */
  backoffMs?: number;
  timeoutMs?: number;
}

const HEADLINE: Record<string, string> = {
  hold: 'awaits approval',
  approve: 'was approved',
  reject: 'was rejected',
  expire: 'expired',
  cancel: 'was cancelled by the client',
};

/** The generic JSON form; Slack-compatible receivers read its `text` and `blocks`. */
export function webhookPayload(change: ApprovalChange): Record<string, unknown> {
  const a = change.approval;
  const text = `toolgate: ${a.call.server}/${a.call.tool} by ${a.call.principal.id} ${HEADLINE[change.kind]} (${a.id}, rule ${a.rule_id})`;
  const by = a.decisions.map((d) => `${d.reviewer} ${d.verdict}d${d.note ? `: ${d.note}` : ''}`).join('; ');
  const blocks = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(text)}*\n${escapeMrkdwn(a.reason)}` } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: escapeMrkdwn(`needs ${describeRequirement(a.requirement)} · expires ${a.expires_at}${by ? ` · ${by}` : ''}`) }],
    },
  ];
  return { event: `approval.${change.kind}`, approval: summary(a), text, blocks };
}

/** Slack's incoming webhooks get exactly the fields they document. */
function payloadFor(url: URL, change: ApprovalChange): Record<string, unknown> {
  const payload = webhookPayload(change);
  return url.hostname === 'hooks.slack.com' ? { text: payload.text, blocks: payload.blocks } : payload;
}

function summary(a: HeldCall): Record<string, unknown> {
  const { id, status, rule_id, reason, approvers, requirement, decisions, bundle_sha256, created_at, expires_at, valid_until } = a;
  const { server, tool, principal, args_sha256 } = a.call;
  return {
    id,
    status,
    server,
    tool,
    principal: principal.id,
    args_sha256,
    rule_id,
    reason,
    approvers,
    requirement,
    decisions,
    bundle_sha256,
    created_at,
    expires_at,
    valid_until,
  };
}

const escapeMrkdwn = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export class WebhookNotifier {
  private readonly closing = new AbortController();

  constructor(private readonly options: WebhookOptions) {}

  /** Notifies on every change of these approvals; returns the function that stops it. */
  attach(approvals: Approvals): () => void {
    return approvals.subscribe((change) => {
      if (!NOTIFIED.has(change.kind)) return;
      const urls = new Set([...change.approval.webhooks, this.options.url].filter((u): u is string => !!u));
      for (const url of urls) void this.deliver(new URL(url), change);
    });
  }

  /** Abandons pending retries. */
  close(): void {
    this.closing.abort();
  }

  private async deliver(url: URL, change: ApprovalChange): Promise<void> {
    const { log, retries = 4, backoffMs = 1_000, timeoutMs = 10_000 } = this.options;
    const body = JSON.stringify(payloadFor(url, change));
    const context = { approval: change.approval.id, event: change.kind, host: url.host };
    for (let attempt = 0; attempt <= retries && !this.closing.signal.aborted; attempt++) {
      if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1), this.closing.signal);
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(timeoutMs)]),
        });
        await res.body?.cancel();
        if (res.ok) return;
        log.warn({ ...context, attempt, status: res.status }, 'approval webhook refused: will retry');
      } catch (err) {
        log.warn({ ...context, attempt, err: (err as Error).message }, 'approval webhook failed: will retry');
      }
    }
    log.error(context, 'approval webhook not delivered: giving up');
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
