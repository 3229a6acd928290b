import { limitOfMetric, limitsExceeded, limitsFrom, percentOf, thresholdsReached, usedOf } from './billing-limits';

describe('billing limits', () => {
  it('reaches 80% and 100% of a limit, never for unlimited or zero limits', () => {
    expect(thresholdsReached(79, 100)).toEqual([]);
    expect(thresholdsReached(80, 100)).toEqual([80]);
    expect(thresholdsReached(100, 100)).toEqual([80, 100]);
    expect(thresholdsReached(4, 5)).toEqual([80]);
    expect(thresholdsReached(1_000_000, null)).toEqual([]);
    expect(thresholdsReached(3, 0)).toEqual([]);
  });

  it('reports percents with one decimal', () => {
    expect(percentOf(1, 3)).toBe(33.3);
    expect(percentOf(5, 5)).toBe(100);
    expect(percentOf(7, null)).toBeNull();
    expect(percentOf(0, 0)).toBe(0);
    expect(percentOf(2, 0)).toBe(100);
  });

  it('measures transcription minutes in started minutes of the seconds counted', () => {
    expect(usedOf('transcription_minutes', { transcription_seconds: 61 })).toBe(2);
    expect(usedOf('transcription_minutes', {})).toBe(0);
    expect(usedOf('sessions', { sessions: 7 })).toBe(7);
    expect(limitOfMetric('transcription_seconds')).toBe('transcription_minutes');
    expect(limitOfMetric('webhook_deliveries')).toBeUndefined();
  });

  it('lists the limits a plan would be exceeded by, in order', () => {
    const used = {
      members: 3,
      chatbots: 2,
      sessions: 10,
      messages: 0,
      ai_tokens: 0,
      whatsapp_numbers: 1,
      contacts: 0,
      transcription_minutes: 0,
    };
    const target = limitsFrom({ members: 2, chatbots: 2, sessions: 5, whatsapp_numbers: 0 });
    expect(limitsExceeded(used, target)).toEqual([
      { limit: 'members', used: 3, max: 2 },
      { limit: 'sessions', used: 10, max: 5 },
      { limit: 'whatsapp_numbers', used: 1, max: 0 },
    ]);
  });

  it('reads stored limits defensively: missing or malformed entries are unlimited', () => {
    expect(limitsFrom(null).members).toBeNull();
    expect(limitsFrom({ members: '3', chatbots: 4, sessions: Number.NaN })).toMatchObject({
      members: null,
      chatbots: 4,
      sessions: null,
    });
  });
});
