import { clientKeyOf } from './visitor-rate-limit';

describe('clientKeyOf', () => {
  it('keeps IPv4 addresses, also when IPv4-mapped', () => {
    expect(clientKeyOf('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKeyOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 address by its /64, however it is written', () => {
    const key = '2001:db8:0:1::/64';
    expect(clientKeyOf('2001:db8:0:1::1')).toBe(key);
    expect(clientKeyOf('2001:0DB8:0000:0001:ffff:1:2:3')).toBe(key);
    expect(clientKeyOf('2001:db8:0:1:0:0:0:9%eth0')).toBe(key);
    expect(clientKeyOf('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(clientKeyOf('::1')).toBe('0:0:0:0::/64');
  });
});
