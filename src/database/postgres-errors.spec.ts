import { toProblem } from '@/common/errors/problem';
import { isPostgresDataError, postgresDataException } from './postgres-errors';

/** What TypeORM throws: a QueryFailedError carrying the driver's SQLSTATE, message, query and parameters. */
const queryFailed = (code: string) =>
  Object.assign(new Error('value "99999999999" is out of range for type integer'), {
    name: 'QueryFailedError',
    code,
    query: 'SELECT * FROM chatbot_versions WHERE version = $1',
    parameters: ['99999999999'],
    driverError: { code, detail: 'secret detail' },
  });

describe('PostgreSQL data errors', () => {
  it.each(['22P02', '22003', '22007', '22008', '22021', '22001', '23502'])('%s is a data error', (code) => {
    expect(isPostgresDataError(queryFailed(code))).toBe(true);
  });

  it.each(['23505', '40001', '57014', '42P01', undefined])('%s is not', (code) => {
    expect(isPostgresDataError(code === undefined ? new Error('x') : queryFailed(code))).toBe(false);
    expect(postgresDataException(code === undefined ? null : queryFailed(code))).toBeUndefined();
  });

  it('becomes a 400 request.invalid_value problem without driver detail or SQL', () => {
    const { problem, unexpected } = toProblem(queryFailed('22003'), 'req-1');
    expect(unexpected).toBe(false);
    expect(problem).toEqual({
      type: 'urn:parley:problem:request.invalid_value',
      title: 'Bad Request',
      status: 400,
      detail: 'The request carries a value that cannot be stored (out of range, malformed or missing).',
      code: 'request.invalid_value',
      requestId: 'req-1',
    });
    expect(JSON.stringify(problem)).not.toMatch(/SELECT|99999999999|secret/);
  });
});
