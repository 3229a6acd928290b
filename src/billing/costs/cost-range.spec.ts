import { costRange } from './cost-range';

const now = new Date('2026-12-02T04:40:00Z');

describe('costRange', () => {
  it('defaults to the current month up to today (UTC), both days included', () => {
    expect(costRange({}, now)).toEqual({ from: '2026-12-01', to: '2026-12-02', toExclusive: '2026-12-03' });
    expect(costRange({ from: '2026-11-15' }, now)).toEqual({
      from: '2026-11-15',
      to: '2026-12-02',
      toExclusive: '2026-12-03',
    });
    // A future `from` alone is a range of one day, not an error.
    expect(costRange({ from: '2027-01-10' }, now)).toEqual({
      from: '2027-01-10',
      to: '2027-01-10',
      toExclusive: '2027-01-11',
    });
  });

  it('takes explicit days, across a month and a year end', () => {
    expect(costRange({ from: '2025-12-31', to: '2026-01-01' }, now)).toEqual({
      from: '2025-12-31',
      to: '2026-01-01',
      toExclusive: '2026-01-02',
    });
    expect(costRange({ from: '2028-02-28', to: '2028-02-29' }, now)).toMatchObject({ toExclusive: '2028-03-01' });
  });

  it('names the field at fault', () => {
    expect(costRange({ from: '2026-02-30' }, now)).toEqual([{ field: 'from', message: expect.any(String) }]);
    expect(costRange({ from: '2026-13-01', to: '2026-00-10' }, now)).toEqual([
      { field: 'from', message: expect.any(String) },
      { field: 'to', message: expect.any(String) },
    ]);
    expect(costRange({ from: '0000-01-01', to: '9999-12-31' }, now)).toEqual([
      { field: 'from', message: expect.any(String) },
      { field: 'to', message: expect.any(String) },
    ]);
    expect(costRange({ from: '2026-12-02', to: '2026-12-01' }, now)).toEqual([
      { field: 'to', message: 'to must not be before from' },
    ]);
  });

  it('allows 366 days and no more', () => {
    expect(costRange({ from: '2024-01-01', to: '2024-12-31' }, now)).toMatchObject({ to: '2024-12-31' });
    expect(costRange({ from: '2025-01-01', to: '2026-01-02' }, now)).toEqual([
      { field: 'to', message: 'the range is 367 days; at most 366' },
    ]);
  });
});
