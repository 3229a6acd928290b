import type { BlockOf } from '@/flows';
import { evaluateCondition } from '../conditions';
import { renderOptional, renderTemplate } from '../templating';
import { asItems, printValue } from '../values/variable-values';
import type { ParseEnv } from './input-types';

/** A button as the visitor sees it, with what a choice saves. */
export interface VisibleChoice {
  id: string;
  label: string;
  /** Saved when chosen: the item's `value`, else its label. */
  saved: string;
  /** The static item (whose exit a single-select reply takes); absent for dynamic buttons. */
  itemId?: string;
  pictureUrl?: string;
  description?: string;
}

export const dynamicChoiceId = (blockId: string, n: number) => `${blockId}:dyn:${n}`;

/** Static items whose display condition holds, then one button per item of the list variable. */
export function visibleChoices(block: BlockOf<'choiceInput'>, env: ParseEnv): VisibleChoice[] {
  const shown = block.items
    .filter((item) => !item.displayCondition || evaluateCondition(item.displayCondition, env.conditions))
    .map((item) => {
      const label = renderTemplate(item.label, env.scope);
      return { id: item.id, itemId: item.id, label, saved: renderOptional(item.value, env.scope) ?? label };
    });
  const listId = block.options.dynamicItems?.listVariableId;
  const dynamic = listId === undefined ? [] : asItems(env.scope.get(listId)).map(printValue);
  return [...shown, ...dynamic.map((label, n) => ({ id: dynamicChoiceId(block.id, n), label, saved: label }))];
}

export function visiblePictureChoices(block: BlockOf<'pictureChoiceInput'>, env: ParseEnv): VisibleChoice[] {
  const shown = block.items
    .filter((item) => !item.displayCondition || evaluateCondition(item.displayCondition, env.conditions))
    .map((item) => {
      const pictureUrl = renderTemplate(item.pictureUrl, env.scope);
      const title = renderOptional(item.title, env.scope);
      const label = title ?? pictureUrl;
      return {
        id: item.id,
        itemId: item.id,
        label,
        saved: renderOptional(item.value, env.scope) ?? label,
        pictureUrl,
        ...(item.description !== undefined ? { description: renderTemplate(item.description, env.scope) } : {}),
      };
    });
  const dynamic = block.options.dynamicItems;
  if (!dynamic) return shown;
  const titles = asItems(env.scope.get(dynamic.titlesVariableId)).map(printValue);
  const pictures = asItems(env.scope.get(dynamic.pictureUrlsVariableId)).map(printValue);
  const descriptions =
    dynamic.descriptionsVariableId === undefined
      ? []
      : asItems(env.scope.get(dynamic.descriptionsVariableId)).map(printValue);
  const count = Math.max(titles.length, pictures.length);
  const extra = Array.from({ length: count }, (_, n) => {
    const label = titles[n] ?? pictures[n] ?? '';
    const description = descriptions[n];
    return {
      id: dynamicChoiceId(block.id, n),
      label,
      saved: label,
      pictureUrl: pictures[n] ?? '',
      ...(description !== undefined ? { description } : {}),
    };
  });
  return [...shown, ...extra];
}
