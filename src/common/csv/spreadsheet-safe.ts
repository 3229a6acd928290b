/**
 * A CSV cell that a spreadsheet will not run as a formula (CSV injection): a value starting with
 * `=`, `@`, a tab, a carriage return, or `+`/`-` not followed by digits only, gets a leading `'`.
 * Phone numbers (`+14155550100`) and negative numbers stay as they are.
 */
export const neutralizeFormula = (value: string): string =>
  /^(?:[=@\t\r]|[+-](?!\d+$))/.test(value) ? `'${value}` : value;
