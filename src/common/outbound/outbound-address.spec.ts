import { classifyAddress, OutboundAddressGuard } from '@/common/outbound/outbound-address';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'ipv4Mapped(loopback)'],
    ['::ffff:a9fe:a9fe', 'ipv4Mapped(linkLocal)'],
    ['::ffff:10.0.0.1', 'ipv4Mapped(private)'],
    ['64:ff9b::a00:1', 'rfc6052(private)'],
    ['::7f00:1', 'ipv4Compatible'],
    ['2002:a00::1', '6to4'],
  ])('refuses %s (%s)', (address, range) => {
    expect(classifyAddress(address)).toEqual({ allowed: false, range });
  });

  it.each(['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    'allows the public address %s',
    (address) => {
      expect(classifyAddress(address)).toEqual({ allowed: true });
    },
  );

  it('refuses what is not an address', () => {
    expect(classifyAddress('example.com')).toEqual({ allowed: false, range: 'invalid' });
  });
});

describe('OutboundAddressGuard', () => {
  it('allows listed ranges (IPv4-mapped forms included) and nothing else private', async () => {
    const guard = new OutboundAddressGuard({ allowPrivateNetworks: false, allowedCidrs: ['10.1.0.0/16'] });
    expect(guard.check('10.1.2.3')).toEqual({ allowed: true });
    expect(guard.check('::ffff:10.1.2.3')).toEqual({ allowed: true });
    expect(guard.check('10.2.0.1')).toEqual({ allowed: false, range: 'private' });
    await expect(guard.resolveAllowed('[::1]')).rejects.toMatchObject({ reason: 'address_refused' });
  });

  it('allows everything when private networks are allowed', async () => {
    const guard = new OutboundAddressGuard({ allowPrivateNetworks: true });
    await expect(guard.resolveAllowed('127.0.0.1')).resolves.toEqual([{ address: '127.0.0.1', family: 4 }]);
  });
});
