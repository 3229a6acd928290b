import type { BlockInput } from '../model/block';
import type { TypebotBlock, TypebotVariable, TypebotVersion } from './typebot-source';

/** Thrown by a mapper when the source block uses something Parley cannot run. */
export class CannotMap extends Error {}

export interface BlockMapContext {
  version: TypebotVersion;
  /** The exported bot's own id: a Typebot link to it is a jump inside the same flow. */
  typebotId?: string;
  variables: readonly TypebotVariable[];
  /** Records a warning about the block being mapped. */
  warn: (message: string) => void;
}

/** Maps one Typebot block to a Parley block (validated by the caller), or throws `CannotMap`. */
export type BlockMapper = (block: TypebotBlock, ctx: BlockMapContext) => BlockInput;
