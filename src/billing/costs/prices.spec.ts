import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BUILT_IN_PRICES,
  loadPriceTable,
  PriceFileError,
  type MeteredCall,
  nanoString,
  priceCall,
  priceOf,
} from './prices';

const call = (overrides: Partial<MeteredCall>): MeteredCall => ({
  operation: 'chat',
  model: 'gpt-4o-mini',
  promptTokens: 0,
  completionTokens: 0,
  audioSeconds: null,
  characters: null,
  outcome: 'ok',
  ...overrides,
});

describe('price table', () => {
  it('prices chat tokens per 1M input and output tokens, exactly', () => {
    // 1,000 × $0.15/1M + 500 × $0.60/1M = $0.00015 + $0.0003
    expect(priceCall(BUILT_IN_PRICES, call({ promptTokens: 1000, completionTokens: 500 }))).toEqual({
      costUsd: '0.000450000',
      priced: true,
    });
    // 7 × $0.15/1M = $0.00000105, not 0.0000010499999
    expect(priceCall(BUILT_IN_PRICES, call({ promptTokens: 7 })).costUsd).toBe('0.000001050');
    expect(
      priceCall(BUILT_IN_PRICES, call({ model: 'gpt-4o', promptTokens: 3_000_000, completionTokens: 1_000_000 })),
    ).toEqual({ costUsd: '17.500000000', priced: true });
  });

  it('rounds a sub-nano-dollar cost half up, once per call', () => {
    const table = { tiny: { input: 0.0004 } }; // 0.4 nano-dollars per token
    expect(priceCall(table, call({ model: 'tiny', promptTokens: 1 })).costUsd).toBe('0.000000000');
    expect(priceCall(table, call({ model: 'tiny', promptTokens: 2 })).costUsd).toBe('0.000000001');
  });

  it('prices Whisper per audio minute and tts-1 per 1M characters', () => {
    // 90 s × $0.006/min = $0.009
    expect(
      priceCall(BUILT_IN_PRICES, call({ operation: 'transcription', model: 'whisper-1', audioSeconds: 90 })),
    ).toEqual({ costUsd: '0.009000000', priced: true });
    expect(
      priceCall(BUILT_IN_PRICES, call({ operation: 'transcription', model: 'whisper-1', audioSeconds: 1.5 })).costUsd,
    ).toBe('0.000150000');
    // 2,000 characters × $30/1M = $0.06
    expect(priceCall(BUILT_IN_PRICES, call({ operation: 'speech', model: 'tts-1-hd', characters: 2000 }))).toEqual({
      costUsd: '0.060000000',
      priced: true,
    });
  });

  it('prices token-billed transcription models by tokens', () => {
    expect(
      priceCall(
        BUILT_IN_PRICES,
        call({ operation: 'transcription', model: 'gpt-4o-transcribe', promptTokens: 1000, completionTokens: 100 }),
      ),
    ).toEqual({ costUsd: '0.007000000', priced: true });
  });

  it('leaves unpriced what it cannot price: unknown models, missing measures', () => {
    expect(priceCall(BUILT_IN_PRICES, call({ model: 'my-own-llm', promptTokens: 10 }))).toEqual({
      costUsd: '0.000000000',
      priced: false,
    });
    // Whisper without a reported duration, gpt-4o-mini-tts (no tokens reported by the speech endpoint).
    expect(priceCall(BUILT_IN_PRICES, call({ operation: 'transcription', model: 'whisper-1' })).priced).toBe(false);
    expect(
      priceCall(BUILT_IN_PRICES, call({ operation: 'speech', model: 'gpt-4o-mini-tts', characters: 40 })).priced,
    ).toBe(false);
  });

  it('charges nothing for a failed call of a known model, and a chat without usage costs 0 but is priced', () => {
    expect(priceCall(BUILT_IN_PRICES, call({ outcome: 'error', promptTokens: 99 }))).toEqual({
      costUsd: '0.000000000',
      priced: true,
    });
    expect(priceCall(BUILT_IN_PRICES, call({ outcome: 'error', model: 'nope' })).priced).toBe(false);
    expect(priceCall(BUILT_IN_PRICES, call({})).priced).toBe(true);
  });

  it('finds dated snapshots under their base model, and nothing else', () => {
    expect(priceOf(BUILT_IN_PRICES, 'gpt-4o-mini-2024-07-18')).toBe(BUILT_IN_PRICES['gpt-4o-mini']);
    expect(priceOf(BUILT_IN_PRICES, 'gpt-4-0613')).toBe(BUILT_IN_PRICES['gpt-4']);
    expect(priceOf(BUILT_IN_PRICES, 'gpt-4o-mini-search')).toBeUndefined();
    expect(priceOf(BUILT_IN_PRICES, 'toString')).toBeUndefined();
    expect(priceOf(BUILT_IN_PRICES, 'unknown-2024-01-01')).toBeUndefined();
  });

  it('formats nano-dollars as decimal USD', () => {
    expect(nanoString(0n)).toBe('0.000000000');
    expect(nanoString(4650n)).toBe('0.000004650');
    expect(nanoString(12_345_000_000_123n)).toBe('12345.000000123');
  });

  describe('BILLING_PRICES_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-prices-'));
    const file = (name: string, content: string): string => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    };

    it('is merged over the built-in table, a model replacing its entry whole', () => {
      const path = file('ok.json', JSON.stringify({ 'gpt-4o-mini': { input: 1 }, 'my-llm': { input: 2, output: 4 } }));
      const table = loadPriceTable(path);
      expect(table['gpt-4o-mini']).toEqual({ input: 1 });
      expect(table['my-llm']).toEqual({ input: 2, output: 4 });
      expect(table['gpt-4o']).toEqual(BUILT_IN_PRICES['gpt-4o']);
      expect(loadPriceTable(undefined)).toBe(BUILT_IN_PRICES);
    });

    it.each([
      ['missing.json', undefined, /BILLING_PRICES_FILE \(.*missing\.json\): cannot read a JSON price table/],
      ['bad.json', '{"gpt-4o": ', /BILLING_PRICES_FILE \(.*bad\.json\): cannot read a JSON price table/],
      ['negative.json', '{"gpt-4o": {"input": -1}}', /BILLING_PRICES_FILE \(.*negative\.json\): gpt-4o\.input: /],
      ['typo.json', '{"gpt-4o": {"inptu": 1}}', /gpt-4o: .*inptu/],
      ['empty-entry.json', '{"gpt-4o": {}}', /gpt-4o: give at least one of/],
      ['array.json', '[1]', /\(top level\)/],
    ])('refuses %s, naming the file and the field', (name, content, message) => {
      const path = content === undefined ? join(dir, name) : file(name, content);
      const load = () => loadPriceTable(path);
      expect(load).toThrow(PriceFileError);
      expect(load).toThrow(message);
    });
  });
});
