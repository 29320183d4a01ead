import { createHmac } from 'node:crypto';

/**
 * A TOTP code (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits, as Cognito's software tokens use) for a base32 secret
 * (RFC 4648), as an authenticator app computes it. otplib, which cognito-local uses, loads only as an ES module under
 * jest; these few lines are checked against RFC 6238's own test vector and cognito-local's verification.
 */
export function totp(base32Secret: string, atMs = Date.now(), digits = 6): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 1000 / 30)));
  const mac = createHmac('sha1', base32Decode(base32Secret)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(code).padStart(digits, '0');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text: string): Buffer {
  const bits = [...text.replace(/=+$/, '').toUpperCase()]
    .map((c) => {
      const value = ALPHABET.indexOf(c);
      if (value < 0) throw new Error(`not base32: ${c}`);
      return value.toString(2).padStart(5, '0');
    })
    .join('');
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => parseInt(b, 2)));
}
