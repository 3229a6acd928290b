import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * What one model costs, in USD: per 1M input (prompt) tokens, per 1M output (completion) tokens,
 * per minute of audio transcribed, per 1M characters spoken. A call is priced by the measure it
 * reports (see `priceCall`).
 */
export interface ModelPrice {
  readonly input?: number;
  readonly output?: number;
  readonly audioMinute?: number;
  readonly characters?: number;
}

/** Model → price. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * OpenAI's list prices (standard tier, USD) when this table was written; `BILLING_PRICES_FILE`
 * overrides or extends it. Cached input tokens are not reported apart in `ai.usage_recorded`, so
 * they count at the input price (an upper bound).
 */
export const BUILT_IN_PRICES: PriceTable = {
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-4': { input: 30, output: 60 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  o1: { input: 15, output: 60 },
  'o1-mini': { input: 1.1, output: 4.4 },
  o3: { input: 2, output: 8 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'text-embedding-3-small': { input: 0.02 },
  'text-embedding-3-large': { input: 0.13 },
  'text-embedding-ada-002': { input: 0.1 },
  'whisper-1': { audioMinute: 0.006 },
  // Audio input tokens (the bulk of a transcription's input) at the audio price.
  'gpt-4o-transcribe': { input: 6, output: 10 },
  'gpt-4o-mini-transcribe': { input: 3, output: 5 },
  'tts-1': { characters: 15 },
  'tts-1-hd': { characters: 30 },
  // Priced by tokens, which the speech endpoint does not report: its calls stay unpriced unless a
  // price file gives it a `characters` price.
  'gpt-4o-mini-tts': { input: 0.6, output: 12 },
};

const rate = z.number().finite().min(0).max(100_000);
const modelPriceSchema = z
  .strictObject({
    input: rate.optional(),
    output: rate.optional(),
    audioMinute: rate.optional(),
    characters: rate.optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    message: 'give at least one of input, output, audioMinute, characters',
  });
const priceFileSchema = z.record(z.string().min(1).max(200), modelPriceSchema);

/** `BILLING_PRICES_FILE` is unreadable or invalid; the message names the file and the field. */
export class PriceFileError extends Error {
  constructor(path: string, problem: string) {
    super(`BILLING_PRICES_FILE (${path}): ${problem}`);
    this.name = 'PriceFileError';
  }
}

/**
 * The built-in table with the JSON file at `path` merged over it: a model in the file replaces the
 * built-in entry whole. Throws `PriceFileError` when the file is unreadable or invalid (read by
 * `loadConfig`, so a bad file stops the boot like any bad setting).
 */
export function loadPriceTable(path: string | undefined, builtIn: PriceTable = BUILT_IN_PRICES): PriceTable {
  if (path === undefined) return builtIn;
  const problem = (message: string) => new PriceFileError(path, message);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw problem(`cannot read a JSON price table: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = priceFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || '(top level)';
    throw problem(`${field}: ${issue.message}`);
  }
  return { ...builtIn, ...parsed.data };
}

const SNAPSHOT = /-(\d{4}-\d{2}-\d{2}|\d{4})$/;

/** The price of `model`: exact, else a dated snapshot's base (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`). */
export function priceOf(table: PriceTable, model: string): ModelPrice | undefined {
  if (Object.hasOwn(table, model)) return table[model];
  const base = model.replace(SNAPSHOT, '');
  return base !== model && Object.hasOwn(table, base) ? table[base] : undefined;
}

/** The measures of one call (from `ai.usage_recorded`). */
export interface MeteredCall {
  readonly operation: string;
  readonly model: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly audioSeconds: number | null;
  readonly characters: number | null;
  readonly outcome: 'ok' | 'error';
}

export interface CallCost {
  /** USD as an exact decimal string with 9 decimals (nano-dollars), e.g. `0.000004650`. */
  readonly costUsd: string;
  /** False: the table has no price for the model or for what the call reported; the cost is 0. */
  readonly priced: boolean;
}

const UNPRICED: CallCost = { costUsd: '0.000000000', priced: false };
/** USD → pico-dollars (10⁻¹²), exact for rates with up to 6 decimals. */
const pico = (usd: number): bigint => BigInt(Math.round(usd * 1e6)) * 1_000_000n;
const count = (n: number): bigint => BigInt(Math.max(0, Math.round(n)));

/**
 * The cost of one call, by the measure it reports: audio seconds at `audioMinute` (Whisper),
 * characters at `characters` (tts-1), else tokens at `input`/`output`. A failed call costs 0 (the
 * provider charges nothing). Integer arithmetic in pico-dollars, rounded half up to the nano-dollar
 * once per call; sums are left to PostgreSQL (`numeric`).
 */
export function priceCall(table: PriceTable, call: MeteredCall): CallCost {
  const price = priceOf(table, call.model);
  if (!price) return UNPRICED;
  if (call.outcome === 'error') return { costUsd: nanoString(0n), priced: true };
  let picos: bigint;
  if (call.audioSeconds !== null && price.audioMinute !== undefined) {
    picos = (count(call.audioSeconds * 1000) * pico(price.audioMinute) + 30_000n) / 60_000n; // per ms
  } else if (call.characters !== null && price.characters !== undefined) {
    picos = (count(call.characters) * pico(price.characters)) / 1_000_000n;
  } else if (
    (price.input !== undefined || price.output !== undefined) &&
    (call.promptTokens > 0 || call.completionTokens > 0 || call.operation === 'chat' || call.operation === 'response')
  ) {
    picos =
      (count(call.promptTokens) * pico(price.input ?? 0) + count(call.completionTokens) * pico(price.output ?? 0)) /
      1_000_000n;
  } else {
    return UNPRICED;
  }
  return { costUsd: nanoString((picos + 500n) / 1000n), priced: true };
}

/** Nano-dollars as a decimal USD string (`4650` → `0.000004650`). */
export function nanoString(nanos: bigint): string {
  const digits = nanos.toString().padStart(10, '0');
  return `${digits.slice(0, -9)}.${digits.slice(-9)}`;
}
