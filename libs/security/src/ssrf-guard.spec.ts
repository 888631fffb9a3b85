import type { LookupAddress } from 'node:dns';
import { DestinationRefusedError, embeddedIpv4, SsrfGuard } from './ssrf-guard';

function fakeResolver(table: Record<string, string[]>) {
  return ((host: string, _opts: unknown, cb: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => {
    const list = table[host];
    if (!list) return cb(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
    cb(
      null,
      list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }) as unknown as typeof import('node:dns').lookup;
}

describe('SsrfGuard', () => {
  const guard = new SsrfGuard();

  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.5',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '64:ff9b::a9fe:a9fe',
    '2002:c0a8:0101::1',
  ])('refuses %s', (address) => {
    expect(guard.refusalFor(address)).toMatch(/private or special-use/);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '172.32.0.1', '100.128.0.1'])('allows the public address %s', (address) => {
    expect(guard.refusalFor(address)).toBeUndefined();
  });

  it('allows listed addresses and ranges', () => {
    const local = new SsrfGuard({ allowList: ['127.0.0.1/32', '10.1.0.0/16', '::1'] });
    expect(local.refusalFor('127.0.0.1')).toBeUndefined();
    expect(local.refusalFor('::ffff:127.0.0.1')).toBeUndefined();
    expect(local.refusalFor('10.1.2.3')).toBeUndefined();
    expect(local.refusalFor('::1')).toBeUndefined();
    expect(local.refusalFor('127.0.0.2')).toMatch(/private/);
    expect(local.refusalFor('10.2.0.1')).toMatch(/private/);
  });

  it('refuses bad allow-list entries at start', () => {
    expect(() => new SsrfGuard({ allowList: ['localhost'] })).toThrow(/not an IP address or CIDR/);
    expect(() => new SsrfGuard({ allowList: ['10.0.0.0/33'] })).toThrow(/bad prefix/);
  });

  it.each([
    ['ftp://example.com/x', 'only http and https'],
    ['file:///etc/passwd', 'only http and https'],
    ['not a url', 'not a valid absolute URL'],
    ['http://user:pass@example.com/', 'credentials'],
    ['http://127.0.0.1:8080/hook', 'private'],
    ['http://[::1]/hook', 'private'],
    ['http://[::ffff:10.0.0.1]/hook', 'private'],
    ['http://localhost:3000/', 'loopback'],
    ['http://2130706433/', 'private'],
    ['http://0x7f.1/', 'private'],
  ])('refuses the URL %s', (url, message) => {
    expect(() => guard.assertUrl(url)).toThrow(DestinationRefusedError);
    expect(() => guard.assertUrl(url)).toThrow(new RegExp(message));
  });

  it('accepts a public https URL', () => {
    expect(guard.assertUrl('https://hooks.example.com/orders?x=1').hostname).toBe('hooks.example.com');
  });

  it('refuses a name that resolves to a private address, at save time and in the agent lookup', async () => {
    const resolver = fakeResolver({ 'rebind.example': ['93.184.216.34', '10.0.0.7'], 'ok.example': ['93.184.216.34'] });
    const g = new SsrfGuard({ lookup: resolver });
    await expect(g.assertResolvable('rebind.example')).rejects.toThrow(/10\.0\.0\.7/);
    await expect(g.assertResolvable('ok.example')).resolves.toBeUndefined();
    const viaAgent = (host: string) =>
      new Promise<unknown>((resolve, reject) => g.lookup(host, { all: true }, (err, address) => (err ? reject(err) : resolve(address))));
    await expect(viaAgent('rebind.example')).rejects.toBeInstanceOf(DestinationRefusedError);
    await expect(viaAgent('ok.example')).resolves.toEqual([{ address: '93.184.216.34', family: 4 }]);
  });

  it('finds IPv4 inside IPv6 forms', () => {
    expect(embeddedIpv4('::ffff:192.168.0.1')).toBe('192.168.0.1');
    expect(embeddedIpv4('64:ff9b::0a00:0001')).toBe('10.0.0.1');
    expect(embeddedIpv4('2001:db8::1')).toBeUndefined();
  });
});
