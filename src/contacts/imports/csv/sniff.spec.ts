import { decodeSample, detectDelimiter, detectEncoding } from './sniff';

describe('detectEncoding', () => {
  it('reads a byte-order mark or valid UTF-8 as UTF-8, anything else as Latin-1', () => {
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toBe('utf-8');
    expect(detectEncoding(Buffer.from('name\nJosé Müller\n', 'utf8'))).toBe('utf-8');
    expect(detectEncoding(Buffer.from('name\nZoë\n', 'latin1'))).toBe('latin1');
    expect(detectEncoding(Buffer.from('plain ascii\n'))).toBe('utf-8');
  });

  it('does not count a multi-byte character cut off at the end of the sample', () => {
    const text = Buffer.from('é', 'utf8');
    expect(detectEncoding(Buffer.concat([Buffer.from('abc'), text.subarray(0, 1)]))).toBe('utf-8');
  });
});

describe('decodeSample', () => {
  it('drops the byte-order mark and decodes Latin-1', () => {
    expect(decodeSample(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x3b]), 'utf-8')).toBe('a;');
    expect(decodeSample(Buffer.from('Ångström', 'latin1'), 'latin1')).toBe('Ångström');
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['email,name,phone\na,b,c', ','],
    ['email;name;phone\n', ';'],
    ['email\tname\n', '\t'],
    ['email|name|phone', '|'],
    ['"a;b;c",x,y\n', ','],
    ['email\na;b;c;d', ','],
  ])('%j → %j', (text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });
});
