// Which network a request came from, as the flood limits count it: an IPv4 address whole, an
// IPv6 address by its /64 (one household or server gets a whole /64, and picks addresses in it
// at will). An IPv4 address written as IPv6 (::ffff:192.0.2.1) counts as the IPv4 address.
import { isIPv4, isIPv6 } from 'node:net';

export function networkOf(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return 'unknown';
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, each as four lowercase hex digits. */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  // A trailing dotted IPv4 part stands for two groups.
  const last = right.at(-1) ?? left.at(-1) ?? '';
  if (last.includes('.')) {
    const bytes = last.split('.').map(Number);
    const asHex = [((bytes[0]! << 8) | bytes[1]!).toString(16), ((bytes[2]! << 8) | bytes[3]!).toString(16)];
    (right.length > 0 ? right : left).splice(-1, 1, ...asHex);
  }
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right].map((g) => g.padStart(4, '0'));
}
