import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { phonePatternsCached } from './phone-patterns';

describe('phone patterns compiled once', () => {
  it('is installed and answers what the library answers without it', () => {
    expect(phonePatternsCached).toBe(true);
    let original: typeof parsePhoneNumberFromString | undefined;
    jest.isolateModules(() => {
      // A fresh copy of the library, without the cache.
      original = jest.requireActual<{ default: typeof parsePhoneNumberFromString }>('libphonenumber-js').default;
    });
    const numbers = [
      '+12122000001',
      '+12125550100',
      '+1 800 555 0199',
      '+18095551234',
      '+14165550123',
      '+33612345678',
      '+33 1 23 45 67 89',
      '+3361234567',
      '+4915112345678',
      '+447911123456',
      '+44791112345',
      '+81312345678',
      '+999123',
      '0612345678',
      '+1212',
    ];
    for (const number of numbers) {
      for (const country of [undefined, 'FR', 'US'] as const) {
        const cached = parsePhoneNumberFromString(number, country);
        const plain = original!(number, country);
        expect([number, country, cached?.number, cached?.isValid()]).toEqual([
          number,
          country,
          plain?.number,
          plain?.isValid(),
        ]);
      }
    }
  });
});
