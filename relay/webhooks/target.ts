// Where a webhook may point (SSRF): only public unicast addresses, checked after DNS resolution at
// registration and again at delivery, where the request connects to exactly the address checked.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { fail } from '../errors.ts';

/** Why an address may not be a webhook target (its range, as ipaddr.js names it), or null when it is public. */
export function refusedRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is.
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? null : range;
}

/** The URL a webhook may have: absolute, https (or http where private targets are allowed), no credentials. */
export function checkUrl(raw: string, allowPrivate: boolean): URL {
  const url = URL.parse(raw);
  if (!url) throw fail('invalid_webhook_url', 'the webhook URL must be an absolute URL');
  const schemes = allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) throw fail('invalid_webhook_url', `the webhook URL must be ${schemes.join(' or ')}, not ${url.protocol}`);
  if (url.username || url.password) throw fail('invalid_webhook_url', 'the webhook URL may not carry a user name or password');
  return url;
}

/** The host without IPv6 brackets, as DNS and `isIP` take it. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

function lookupAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));
}

/** The first refused address among `addresses`, with why. */
function firstRefused(addresses: string[]): string | null {
  for (const address of addresses) {
    const range = refusedRange(address);
    if (range) return `${address} is ${range === 'not an IP address' ? range : `in the ${range} range`}`;
  }
  return null;
}

/** At registration: every address the host resolves to must be public (unless private targets are allowed). */
export async function checkTarget(raw: string, allowPrivate: boolean): Promise<URL> {
  const url = checkUrl(raw, allowPrivate);
  const host = hostOf(url);
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookupAll(host)).map((a) => a.address);
  } catch {
    throw fail('invalid_webhook_url', `the webhook's host ${host} does not resolve`);
  }
  const refused = allowPrivate ? null : firstRefused(addresses);
  if (refused) throw fail('webhook_target_refused', `webhooks may not point into private address space: ${host} → ${refused}`);
  return url;
}

/** Thrown by the delivery's lookup: the name resolved (now) to an address that is not public. */
export class RefusedTarget extends Error {
  override name = 'RefusedTarget';
}

/** The refusal for a literal IP host (which no lookup sees), or null. */
export function refusedLiteral(url: URL): string | null {
  const host = hostOf(url);
  return isIP(host) ? firstRefused([host]) : null;
}

/**
 * For `http.request`'s `lookup`: resolves as usual, but fails when any address is not public, so the
 * socket connects only to an address that was checked (a name cannot turn private between check and connect).
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  lookupAll(hostname).then(
    (addresses) => {
      const refused = firstRefused(addresses.map((a) => a.address));
      if (refused) return callback(new RefusedTarget(`${hostname} → ${refused}`), '', 0);
      const usable = addresses.filter((a) => !options.family || a.family === options.family);
      if (usable.length === 0) return callback(Object.assign(new Error(`${hostname} has no IPv${options.family} address`), { code: 'ENOTFOUND' }), '', 0);
      if (options.all) return callback(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    },
    (error: NodeJS.ErrnoException) => callback(error, '', 0),
  );
};
