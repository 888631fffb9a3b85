import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Refuses destinations on loopback, private, link-local, CGNAT, metadata and other special-use
 * addresses (IPv4 and IPv6, mapped forms included) unless an operator allow-list permits them.
 * The check runs on the URL (scheme, literal IPs) when a trigger is saved, and again inside the
 * HTTP agent's DNS lookup at send time, so a name that re-resolves to a private address is caught.
 */
const BLOCKED_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const BLOCKED_V6: Array<[string, number]> = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (includes fd00:ec2::254, AWS metadata over IPv6)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

export class DestinationRefusedError extends Error {
  readonly code = 'DESTINATION_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'DestinationRefusedError';
  }
}

export interface SsrfGuardOptions {
  /** CIDRs (or single addresses) that are allowed even though they are special-use. */
  allowList?: readonly string[];
  /** Resolver, injectable for tests. */
  lookup?: typeof dnsLookup;
}

export class SsrfGuard {
  private readonly blocked = new BlockList();
  private readonly allowed = new BlockList();
  private readonly resolve: typeof dnsLookup;

  constructor(options: SsrfGuardOptions = {}) {
    for (const [net, prefix] of BLOCKED_V4) this.blocked.addSubnet(net, prefix, 'ipv4');
    for (const [net, prefix] of BLOCKED_V6) this.blocked.addSubnet(net, prefix, 'ipv6');
    for (const entry of options.allowList ?? []) addCidr(this.allowed, entry);
    this.resolve = options.lookup ?? dnsLookup;
  }

  /** Why an IP address is refused, or undefined when it may be contacted. */
  refusalFor(address: string): string | undefined {
    const family = isIP(address);
    if (family === 0) return `${address} is not an IP address`;
    const v4 = family === 6 ? embeddedIpv4(address) : address;
    if (v4 !== undefined) {
      if (this.allowed.check(v4, 'ipv4')) return undefined;
      return this.blocked.check(v4, 'ipv4') ? `${address} is a private or special-use address` : undefined;
    }
    if (this.allowed.check(address, 'ipv6')) return undefined;
    return this.blocked.check(address, 'ipv6') ? `${address} is a private or special-use address` : undefined;
  }

  /** Static checks on a destination URL: scheme, credentials, literal IPs. Throws DestinationRefusedError. */
  assertUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new DestinationRefusedError('not a valid absolute URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DestinationRefusedError('only http and https URLs are allowed');
    if (url.username || url.password) throw new DestinationRefusedError('credentials in the URL are not allowed; use a custom header');
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (isIP(host)) {
      const reason = this.refusalFor(host);
      if (reason) throw new DestinationRefusedError(reason);
    } else if (host === 'localhost' || host.endsWith('.localhost')) {
      const reason = this.refusalFor('127.0.0.1');
      if (reason) throw new DestinationRefusedError(`${host} is a loopback name`);
    }
    return url;
  }

  /** Resolves a host name and refuses it when any address it resolves to is refused. */
  async assertResolvable(host: string): Promise<void> {
    const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
      this.resolve(host, { all: true }, (err, result) => (err ? reject(err) : resolve(result))),
    );
    for (const a of addresses) {
      const reason = this.refusalFor(a.address);
      if (reason) throw new DestinationRefusedError(`${host} resolves to ${reason}`);
    }
  }

  /** A `lookup` for http(s).Agent: resolves, then refuses special-use addresses at connect time. */
  readonly lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    this.resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses;
      for (const a of list) {
        const reason = this.refusalFor(a.address);
        if (reason) return callback(new DestinationRefusedError(`${hostname} resolves to ${reason}`), []);
      }
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' }), []);
      if (options.all) return callback(null, list);
      const first = list[0];
      callback(null, first.address, first.family);
    });
  };
}

function addCidr(list: BlockList, entry: string): void {
  const [net, prefixText] = entry.trim().split('/');
  const family = net ? isIP(net) : 0;
  if (!net || family === 0) throw new Error(`allow-list entry "${entry}" is not an IP address or CIDR`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new Error(`allow-list entry "${entry}" has a bad prefix`);
  list.addSubnet(net, prefix, type);
}

/** The IPv4 address inside an IPv4-mapped, -compatible, NAT64 or 6to4 IPv6 address, if any. */
export function embeddedIpv4(v6: string): string | undefined {
  const groups = expandIpv6(v6);
  if (!groups) return undefined;
  const zeroUntil = (n: number) => groups.slice(0, n).every((g) => g === 0);
  const fromGroups = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const [g0, g1, , , , g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  if (zeroUntil(5) && g5 === 0xffff) return fromGroups(g6, g7); // ::ffff:a.b.c.d
  if (zeroUntil(6) && (g6 !== 0 || g7 > 1)) return fromGroups(g6, g7); // ::a.b.c.d (deprecated compatible)
  if (g0 === 0x64 && g1 === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) return fromGroups(g6, g7); // NAT64
  if (g0 === 0x2002) return fromGroups(groups[1], groups[2]); // 6to4
  return undefined;
}

function expandIpv6(address: string): number[] | undefined {
  let text = address.split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const o = dotted[1].split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -dotted[1].length) + `${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const head = parse(halves[0] ?? '');
  const tail = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 && head.length !== 8) return undefined;
  if (fill < 0) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}
