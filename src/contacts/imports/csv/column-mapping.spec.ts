import { type AttributeDefinition, MappingError, normalizeHeader, resolveMapping } from './column-mapping';

const plan: AttributeDefinition = { key: 'plan', label: 'Plan', type: 'list', options: ['free', 'pro'] };

describe('resolveMapping', () => {
  it('auto-detects common headers and attribute definitions, ignores the rest', () => {
    const { summary, columns } = resolveMapping(
      ['E-mail', 'Phone number', 'First name', 'Surname', 'Plan', 'Notes'],
      {},
      [plan],
    );
    expect(summary).toEqual({
      'E-mail': 'email',
      'Phone number': 'phone',
      'First name': 'firstName',
      Surname: 'lastName',
      Plan: 'attributes.plan',
      Notes: 'ignore',
    });
    expect(columns[4]).toEqual({ kind: 'attribute', definition: plan });
  });

  it('lets the caller choose, and auto-detection does not take what the caller chose', () => {
    const { summary } = resolveMapping(['email', 'Work mail', 'mobile'], { 'Work mail': 'email', email: 'ignore' }, []);
    expect(summary).toEqual({ email: 'ignore', 'Work mail': 'email', mobile: 'phone' });
  });

  it('maps the first of two look-alike columns automatically', () => {
    expect(resolveMapping(['Email', 'E-mail'], {}, []).summary).toEqual({ Email: 'email', 'E-mail': 'ignore' });
  });

  it.each([
    [['name'], {}, 'No column is mapped to email or phone'],
    [['email'], { Mail: 'email' }, 'The mapping names columns the file does not have: Mail.'],
    [['a', 'b'], { a: 'email', b: 'email' }, 'Two columns are mapped to "email".'],
    [['email', 'x'], { x: 'attributes.nope' }, 'Column "x": there is no attribute "nope".'],
    [['email', 'name', 'first'], {}, 'Map either "name" or "firstName"/"lastName", not both.'],
  ] as const)('refuses %j with %j', (header, mapping, message) => {
    expect(() => resolveMapping(header, mapping, [])).toThrow(MappingError);
    expect(() => resolveMapping(header, mapping, [])).toThrow(message);
  });

  it('normalizes headers for detection', () => {
    expect(normalizeHeader(' Téléphone ')).toBe('telephone');
    expect(normalizeHeader('E_Mail-Address')).toBe('emailaddress');
  });
});
