// The fingerprint an older Alertmanager (before 0.20) does not send, derived as Prometheus derives it
// (model.LabelSet.Fingerprint: FNV-1a 64 over the label names in order, each name and value followed by
// the 0xff separator), so an alert keeps one identity when its Alertmanager is upgraded and starts
// sending the fingerprint itself.
const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

export function labelsFingerprint(labels: Record<string, string>): string {
  let hash = OFFSET;
  const add = (bytes: Uint8Array) => {
    for (const b of bytes) hash = ((hash ^ BigInt(b)) * PRIME) & MASK;
  };
  const encoder = new TextEncoder();
  const separator = new Uint8Array([0xff]);
  for (const name of Object.keys(labels).sort()) {
    add(encoder.encode(name));
    add(separator);
    add(encoder.encode(labels[name]));
    add(separator);
  }
  return hash.toString(16).padStart(16, '0');
}
