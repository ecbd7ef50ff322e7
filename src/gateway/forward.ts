// How a client's request is carried to an upstream once the gate let it: as a flight in the
// routes for as long as the upstream works on it, so that its progress (on the client's own token)
// and the requests the upstream sends meanwhile (sampling, elicitation, roots) reach this client.
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Upstream } from '../upstream/index.js';
import type { GatewayContext } from './context.js';
import type { ClientSession } from './session.js';

type Params = Record<string, unknown> & { _meta?: { progressToken?: string | number } };

/** The request that a forwarded one answers: which session sent it, under which id. */
export interface Origin {
  session: ClientSession;
  requestId: RequestId;
}

/** Forward `params` (the client's, `_meta` and progress token included) as `method`; resolves with the upstream's result. */
export async function forward(ctx: GatewayContext, origin: Origin, upstream: Upstream, method: string, params: Params, signal: AbortSignal) {
  const clientToken = params._meta?.progressToken;
  const flight = ctx.routes.begin(upstream, origin.session, origin.requestId, clientToken);
  const sent = flight.upstreamToken === clientToken ? params : { ...params, _meta: { ...params._meta, progressToken: flight.upstreamToken } };
  try {
    return await upstream.request(method, sent, signal);
  } finally {
    ctx.routes.end(flight);
  }
}
