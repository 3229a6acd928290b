/** The encodings an import reads: UTF-8 (with or without a byte-order mark) and Latin-1 (ISO-8859-1). */
export type ImportEncoding = 'utf-8' | 'latin1';

/** The delimiters an import recognises. */
export const IMPORT_DELIMITERS = [',', ';', '\t', '|'] as const;
export type ImportDelimiter = (typeof IMPORT_DELIMITERS)[number];

/** How many bytes of the file the detection reads. */
export const SNIFF_BYTES = 64 * 1024;

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

export const hasUtf8Bom = (sample: Uint8Array): boolean =>
  sample.length >= 3 && sample[0] === UTF8_BOM[0] && sample[1] === UTF8_BOM[1] && sample[2] === UTF8_BOM[2];

/**
 * UTF-8 when the sample starts with a byte-order mark or decodes as valid UTF-8 (a sequence cut
 * off at the end of the sample does not count: `stream: true`), else Latin-1, which decodes any
 * byte. A Latin-1 file of plain ASCII is valid UTF-8 and reads the same either way.
 */
export function detectEncoding(sample: Uint8Array): ImportEncoding {
  if (hasUtf8Bom(sample)) return 'utf-8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf-8';
  } catch {
    return 'latin1';
  }
}

/** The sample as text in `encoding`, without a byte-order mark. */
export function decodeSample(sample: Uint8Array, encoding: ImportEncoding): string {
  const bytes = encoding === 'utf-8' && hasUtf8Bom(sample) ? sample.subarray(3) : sample;
  return encoding === 'utf-8'
    ? new TextDecoder('utf-8').decode(bytes, { stream: true })
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * The delimiter of the header line: whichever of `,` `;` tab `|` occurs most often outside
 * double quotes on the first line (`,` when none does, a one-column file).
 */
export function detectDelimiter(text: string): ImportDelimiter {
  const counts = new Map<string, number>(IMPORT_DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best: ImportDelimiter = ',';
  for (const d of IMPORT_DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}
