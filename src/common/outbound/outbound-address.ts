import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * An outbound destination refused (`address_refused`) or not resolvable (`dns_failed`, `retryable`
 * when the resolver's failure was transient). Each client maps it to its own error codes.
 */
export class OutboundAddressError extends Error {
  constructor(
    readonly reason: 'address_refused' | 'dns_failed',
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'OutboundAddressError';
  }
}

export interface ResolvedAddress {
  address: string;
  /** 4 or 6. */
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (like `dns.lookup(host, { all: true })`). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export interface AddressPolicy {
  /** Every address is allowed (the installation trusts its flows with its private networks). */
  allowPrivateNetworks: boolean;
  /** Ranges allowed although they are not public, e.g. `['10.1.2.3/32']`. */
  allowedCidrs?: readonly string[];
}

export type AddressVerdict = { allowed: true } | { allowed: false; range: string };

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 {
  const bytes = ip.toByteArray();
  return new ipaddr.IPv4(bytes.slice(12, 16));
}

/**
 * Whether an address is public. Only `unicast` (ipaddr.js' name for "none of the special ranges")
 * is: loopback, private (RFC 1918), link-local (cloud metadata at 169.254.169.254), unique-local,
 * multicast, broadcast, unspecified, carrier-grade NAT, reserved/documentation/benchmarking ranges,
 * 6to4 and Teredo are refused. IPv4-mapped, SIIT and NAT64 (64:ff9b::/96) addresses are judged by
 * the IPv4 address they carry; IPv4-compatible (::/96) addresses are refused.
 */
export function classifyAddress(address: string): AddressVerdict {
  if (!ipaddr.isValid(address)) return { allowed: false, range: 'invalid' };
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    const range = v6.range();
    if (range === 'ipv4Mapped' || range === 'rfc6145' || (range === 'rfc6052' && v6.match(NAT64))) {
      const inner = classifyAddress(embeddedIPv4(v6).toString());
      return inner.allowed ? inner : { allowed: false, range: `${range}(${inner.range})` };
    }
    if (range === 'unicast' && v6.match(IPV4_COMPATIBLE)) return { allowed: false, range: 'ipv4Compatible' };
    return range === 'unicast' ? { allowed: true } : { allowed: false, range };
  }
  const range = (ip as ipaddr.IPv4).range();
  return range === 'unicast' ? { allowed: true } : { allowed: false, range };
}

function parseCidrs(cidrs: readonly string[] | undefined): Cidr[] {
  return (cidrs ?? []).map((c) => ipaddr.parseCIDR(c));
}

function inAny(address: string, cidrs: Cidr[]): boolean {
  if (cidrs.length === 0) return false;
  const ip = ipaddr.process(address);
  return cidrs.some(([range, bits]) => ip.kind() === range.kind() && ip.match([range, bits] as never));
}

/**
 * Checks outbound destinations against an `AddressPolicy`: resolves a host to all its addresses and
 * refuses it when any of them is not allowed (so a name cannot smuggle a private address behind a
 * public one). Callers connect to the returned addresses only (no second DNS lookup: rebinding).
 */
export class OutboundAddressGuard {
  private readonly allowedCidrs: Cidr[];

  constructor(
    private readonly policy: AddressPolicy,
    private readonly resolve: HostResolver = systemResolver,
  ) {
    this.allowedCidrs = parseCidrs(policy.allowedCidrs);
  }

  check(address: string): AddressVerdict {
    if (this.policy.allowPrivateNetworks) return { allowed: true };
    const verdict = classifyAddress(address);
    if (verdict.allowed || !ipaddr.isValid(address) || !inAny(address, this.allowedCidrs)) return verdict;
    return { allowed: true };
  }

  /**
   * The addresses to connect to for `hostname` (a URL's `hostname`: IPv6 literals in brackets).
   * Throws `OutboundAddressError`.
   */
  async resolveAllowed(hostname: string): Promise<ResolvedAddress[]> {
    const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
    const literal = isIP(host);
    let addresses: ResolvedAddress[];
    if (literal !== 0) {
      addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
    } else {
      try {
        addresses = await this.resolve(host);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const transient = code === 'EAI_AGAIN' || code === 'ETIMEOUT' || code === 'ESERVFAIL';
        throw new OutboundAddressError('dns_failed', `could not resolve ${host} (${code ?? 'error'})`, transient);
      }
      if (addresses.length === 0) throw new OutboundAddressError('dns_failed', `${host} has no address`);
    }
    for (const { address } of addresses) {
      const verdict = this.check(address);
      if (!verdict.allowed) {
        const of = literal !== 0 ? '' : ` of ${host}`;
        throw new OutboundAddressError(
          'address_refused',
          `the address ${address}${of} is in a refused range (${verdict.range}); ` +
            'requests to private networks are not allowed (OUTBOUND_ALLOW_PRIVATE_NETWORKS)',
        );
      }
    }
    return addresses;
  }
}
