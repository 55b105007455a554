import net from 'node:net';

/**
 * Parses TRUSTED_PROXIES: addresses or CIDR ranges (IPv4 or IPv6), comma-separated, of the
 * proxies whose `X-Forwarded-For` entry names the client. Unset = none: the client address is
 * the socket's, so nobody can choose their own address by sending the header.
 */
export function parseTrustedProxies(value: string | undefined): { proxies: string[]; problems: string[] } {
  const proxies: string[] = [];
  const problems: string[] = [];
  for (const entry of (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [address = '', prefix] = entry.split('/');
    const family = net.isIP(address);
    const maxPrefix = family === 6 ? 128 : 32;
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= maxPrefix);
    if (family === 0 || !prefixOk)
      problems.push(`"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8)`);
    else proxies.push(entry);
  }
  return { proxies, problems };
}
