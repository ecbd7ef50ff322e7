// DSSE envelopes: the media type, the pre-authentication encoding (PAE) that is actually signed,
// and the envelope schema. https://github.com/secure-systems-lab/dsse/blob/master/protocol.md
import { z } from 'zod';

export const RECEIPT_MEDIA_TYPE = 'application/vnd.toolgate.receipt.v1+json';

/** Standard base64 with padding, as DSSE uses (no URL alphabet, no whitespace). */
const base64 = z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'standard base64 with padding');

export const KEY_ID_PATTERN = /^ed25519:[0-9a-f]{16}$/;

export const EnvelopeSchema = z.strictObject({
  payloadType: z.literal(RECEIPT_MEDIA_TYPE),
  payload: base64.max(1_000_000),
  // toolgate writes exactly one signature; more would leave open which one vouches for the receipt.
  signatures: z
    .array(z.strictObject({ keyid: z.string().regex(KEY_ID_PATTERN, 'ed25519:<16 hex digits>'), sig: base64.length(88) }))
    .length(1),
});

export type Envelope = z.infer<typeof EnvelopeSchema>;

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal bytes. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  const head = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, 'utf8');
  return Buffer.concat([head, payload]);
}

export function envelopeOf(payload: Uint8Array, keyId: string, signature: Uint8Array): Envelope {
  return {
    payloadType: RECEIPT_MEDIA_TYPE,
    payload: Buffer.from(payload).toString('base64'),
    signatures: [{ keyid: keyId, sig: Buffer.from(signature).toString('base64') }],
  };
}
