import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { BlockOf } from '@/flows';
import type { ReplyPayload } from '../engine-types';
import { invalid, requiredText, valid, type ParseEnv, type ParsedReply } from './input-types';

const asCountry = (code: string | undefined): CountryCode | undefined =>
  code !== undefined && isSupportedCountry(code) ? code : undefined;

/** A valid phone number (national numbers read in the block's default country), saved in E.164. */
export function parsePhoneReply(block: BlockOf<'phoneInput'>, reply: ReplyPayload, env: ParseEnv): ParsedReply {
  const read = requiredText(reply, env.limits);
  if ('reason' in read) return invalid(read.reason);
  if (read.text.length > 50) return invalid('not a phone number');
  const defaultCountry = asCountry(block.options.defaultCountryCode);
  const phone = parsePhoneNumberFromString(read.text, defaultCountry ? { defaultCountry } : {});
  if (!phone?.isValid()) return invalid('not a valid phone number');
  return valid(phone.number);
}
