// A permitted call that got no result, told as it happened. `fail`: the upstream answered with a
// JSON-RPC error (the client gets it as it was sent; the receipt holds its hash and code), or
// toolgate never sent the call (it did not run).
// `unknown`: the call was sent and never answered (a timeout, the gate's own deadline, a dropped
// connection, a cancellation): it may have run, and the client is told so. Upstream-area errors are
// worded for clients; anything else is told by error id only.
import type { CallRequest } from '../core/index.js';
import { logFault, type Logger } from '../log.js';
import { errorSha256, type Envelope } from '../receipts/index.js';
import { UpstreamError, UpstreamRpcError } from '../upstream/index.js';
import { faultRefusal, refusal, type GateAnswer } from './answer.js';
import { timeoutWords, type Dispatched } from './dispatch.js';
import type { ReceiptExtras } from './receipts.js';

export interface Told {
  event: 'fail' | 'unknown';
  extras: Pick<ReceiptExtras, 'result'>;
  answer(receipt: Envelope | undefined): GateAnswer;
}

const MAY_HAVE_RUN = 'It may have run: check before repeating it.';

export function noResult(request: CallRequest, dispatched: Extract<Dispatched, { kind: 'no_result' }>, log: Logger): Told {
  const { err, fate, timedOut } = dispatched;
  const where = { callId: request.callId, server: request.server, tool: request.tool };
  // The upstream's error answer is the client's, as it was sent, and no fault of toolgate's.
  if (fate === 'answered' && err instanceof UpstreamRpcError) {
    const error = err.rpcError;
    const result = { sha256: errorSha256(error), is_error: true, error_code: error.code };
    return { event: 'fail', extras: { result }, answer: (receipt) => ({ kind: 'upstream-error', error, receipt }) };
  }
  const said = err instanceof UpstreamError ? err.message : undefined;
  if (fate === 'not_sent' && said) {
    log.warn({ ...where, err: said }, 'a permitted call could not be sent');
    return { event: 'fail', extras: {}, answer: (r) => refusal(`the call was permitted but not sent (${said}). It did not run.`, r) };
  }
  const why = timedOut ? `upstream ${request.server} did not answer within ${timeoutWords(timedOut)}, so toolgate cancelled it` : said;
  if (why) {
    log.warn({ ...where, err: why }, 'a permitted call was sent and never answered: its outcome is unknown');
    return { event: 'unknown', extras: {}, answer: (r) => refusal(`the call was permitted and sent, but ${why}. ${MAY_HAVE_RUN}`, r) };
  }
  const errorId = logFault(log, { err, ...where }, 'a permitted call failed on its way upstream: its outcome is unknown');
  return {
    event: 'unknown',
    extras: {},
    answer: (r) => faultRefusal(`the call was permitted and sent, but toolgate lost track of it. ${MAY_HAVE_RUN}`, errorId, r),
  };
}
