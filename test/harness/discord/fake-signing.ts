// The application's Ed25519 key pair: Discord signs every request to an interactions endpoint with
// it (signature over timestamp + body), and the bot verifies with the hex public key shown in the
// developer portal. Relevo's HTTP interactions endpoint is tested against these signatures.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

export class Signer {
  /** Hex of the raw 32-byte public key, as the developer portal shows it. */
  readonly publicKey: string;
  readonly publicKeyObject: KeyObject;
  private readonly privateKey: KeyObject;

  constructor() {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    this.publicKeyObject = publicKey;
    this.privateKey = privateKey;
    // An Ed25519 SPKI DER is a fixed 12-byte header followed by the raw key.
    this.publicKey = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  }

  sign(body: string, timestamp = String(Math.floor(Date.now() / 1000))): Record<string, string> {
    const signature = sign(null, Buffer.from(timestamp + body), this.privateKey).toString('hex');
    return { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp };
  }
}
