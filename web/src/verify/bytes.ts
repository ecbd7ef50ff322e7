// Bytes in the browser: strict base64, hex, sha256 (WebCrypto) and the DSSE pre-authentication encoding.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function fromBase64(text: string): Uint8Array {
  if (!BASE64.test(text)) throw new Error('not standard base64 with padding');
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  if (!crypto.subtle) throw new Error('WebCrypto is unavailable: open the console over HTTPS or on localhost');
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const enc = new TextEncoder();
  const type = enc.encode(payloadType);
  return concat(enc.encode(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `), payload);
}

/** RFC 6962 leaf hash of a receipt payload: sha256(0x00 || P). */
export async function leafHash(payload: Uint8Array): Promise<string> {
  return hex(await sha256(concat(Uint8Array.of(0), payload)));
}
