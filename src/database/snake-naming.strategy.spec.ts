import { SnakeNamingStrategy } from './snake-naming.strategy';

describe('SnakeNamingStrategy', () => {
  const naming = new SnakeNamingStrategy();

  it('derives snake_case table names without the Entity suffix', () => {
    expect(naming.tableName('ChatbotVersionEntity', undefined)).toBe('chatbot_version');
    expect(naming.tableName('ChatbotEntity', 'chatbots')).toBe('chatbots');
  });

  it('snake-cases columns, embedded prefixes and join columns', () => {
    expect(naming.columnName('organizationId', undefined, [])).toBe('organization_id');
    expect(naming.columnName('city', undefined, ['billingAddress'])).toBe('billing_address_city');
    expect(naming.columnName('x', 'customName', [])).toBe('custom_name');
    expect(naming.joinColumnName('organization', 'id')).toBe('organization_id');
  });
});
