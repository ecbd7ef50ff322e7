// A Buffer over the same memory as a typed array (no copy): for Buffer methods (base64) and for the
// libsodium bindings, whose typings want Buffers though any typed array works.
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
