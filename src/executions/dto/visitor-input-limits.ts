import { registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * Size caps of what a visitor sends (public routes), as UTF-8 bytes of the value's JSON: what a
 * session stores (its state, results and transcript) stays small whatever a script sends.
 */
export const VISITOR_INPUT_LIMITS = {
  /** All prefilled variables of a start together. */
  variablesBytes: 16_384,
  /** One prefilled variable's value. */
  variableBytes: 4_096,
  /** A structured answer (`value`). */
  valueBytes: 10_000,
} as const;

/** UTF-8 bytes of `value` as JSON (0 for undefined). */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/** What is too large in prefilled variables: the variable (by name) or, without a name, the whole. */
export function prefilledVariablesProblems(variables: Readonly<Record<string, unknown>>): {
  name?: string;
  message: string;
}[] {
  const { variablesBytes, variableBytes } = VISITOR_INPUT_LIMITS;
  const problems: { name?: string; message: string }[] = Object.entries(variables)
    .filter(([, value]) => jsonBytes(value) > variableBytes)
    .map(([name]) => ({ name, message: `must be at most ${variableBytes} bytes as JSON` }));
  if (problems.length === 0 && jsonBytes(variables) > variablesBytes) {
    problems.push({ message: `must be at most ${variablesBytes} bytes as JSON in all` });
  }
  return problems;
}

/** class-validator: the value's JSON is at most `maxBytes` UTF-8 bytes. */
export function MaxJsonBytes(maxBytes: number): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'maxJsonBytes',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [maxBytes],
      options: { message: `$property must be at most ${maxBytes} bytes as JSON` },
      validator: { validate: (value: unknown) => value === undefined || jsonBytes(value) <= maxBytes },
    });
}

/** class-validator: prefilled variables within `VISITOR_INPUT_LIMITS` (the message names the variable). */
export function PrefilledVariablesWithinLimits(): PropertyDecorator {
  const problemOf = (value: unknown) =>
    value !== null && typeof value === 'object'
      ? prefilledVariablesProblems(value as Record<string, unknown>)[0]
      : undefined;
  return (target, propertyName) =>
    registerDecorator({
      name: 'prefilledVariablesWithinLimits',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args: ValidationArguments) => {
          const problem = problemOf(args.value);
          return problem?.name === undefined
            ? `${args.property} ${problem?.message ?? 'are too large'}`
            : `${args.property}.${problem.name} ${problem.message}`;
        },
      },
      validator: { validate: (value: unknown) => problemOf(value) === undefined },
    });
}
