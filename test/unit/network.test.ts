import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { networkOf } from '../../src/flood/network.ts';

describe('the network a request came from', () => {
  test('is an IPv4 address whole, also when written as IPv6', () => {
    assert.equal(networkOf('203.0.113.7'), '203.0.113.7');
    assert.equal(networkOf('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(networkOf('::FFFF:203.0.113.7'), '203.0.113.7');
  });

  test('is the /64 of an IPv6 address, however it is written', () => {
    const expected = '2001:0db8:0001:0002::/64';
    for (const address of [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:DB8:1:2:0:0:0:9',
      '2001:0db8:0001:0002:0000:0000:0000:0001',
      'fe80::1%eth0'.replace('fe80::1', '2001:db8:1:2::5'),
    ]) {
      assert.equal(networkOf(address), expected, address);
    }
    assert.notEqual(networkOf('2001:db8:1:3::1'), expected);
    assert.equal(networkOf('::1'), '0000:0000:0000:0000::/64');
    assert.equal(networkOf('2001:db8::'), '2001:0db8:0000:0000::/64');
    assert.equal(networkOf('::'), '0000:0000:0000:0000::/64');
    assert.equal(networkOf('64:ff9b::192.0.2.33'), '0064:ff9b:0000:0000::/64');
  });

  test('is "unknown" for anything that is no address', () => {
    for (const junk of [undefined, '', 'localhost', '999.1.1.1', '1.2.3', 'a:b:c:d:e:f:g:h', '1.2.3.4, 5.6.7.8'])
      assert.equal(networkOf(junk), 'unknown', String(junk));
  });
});
