/**
 * The `default` of a switch that must handle every member of a union: it compiles only while no
 * member is left (the value is then `never`), so adding a kind to the union fails the build here.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
