import { visitorContactOf } from './visitor-contact';

describe('visitorContactOf', () => {
  const variables = [
    { id: 'v1', name: 'Full name' },
    { id: 'v2', name: 'E-mail' },
    { id: 'v3', name: 'phone_number' },
    { id: 'v4', name: 'plan' },
  ];

  it('reads the name, email and phone variables, whatever their spelling, and the saved ones as attributes', () => {
    expect(
      visitorContactOf(
        variables,
        { v1: ' Ada Lovelace ', v2: 'ada@example.com', v3: '+44 20 7946 0958', v4: 'pro' },
        { plan: 'pro', 'Full name': 'Ada Lovelace' },
      ),
    ).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+44 20 7946 0958',
      attributes: { plan: 'pro' },
    });
  });

  it('ignores empty values, an email without @, and answers nothing when the visitor told nothing', () => {
    expect(visitorContactOf(variables, { v1: '  ', v2: 'not an email' }, {})).toBeNull();
    expect(visitorContactOf(variables, { v2: 'x@y.z' }, {})).toEqual({
      name: null,
      email: 'x@y.z',
      phone: null,
      attributes: {},
    });
  });
});
