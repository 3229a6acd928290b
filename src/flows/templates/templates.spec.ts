import type { Block } from '../model/block';
import type { FlowDocument } from '../model/flow-document';
import { validateFlow } from '../validation/validate-flow';
import { builtInTemplates, findBuiltInTemplate, TEMPLATE_CATEGORIES } from './index';

const blocksOf = (flow: FlowDocument): Block[] => flow.groups.flatMap((g) => g.blocks);
const types = (id: string) => blocksOf(findBuiltInTemplate(id)!.flow).map((b) => b.type);

describe('builtInTemplates', () => {
  it('has three templates with unique ids and known categories', () => {
    expect(builtInTemplates.map((t) => t.id)).toEqual(['lead-capture', 'ai-faq', 'satisfaction-survey']);
    for (const template of builtInTemplates) {
      expect(TEMPLATE_CATEGORIES).toContain(template.category);
      expect(template.name).not.toBe('');
      expect(template.description).not.toBe('');
    }
  });

  it.each(builtInTemplates.map((t) => [t.id, t.flow] as const))(
    '%s passes validateFlow with no problems',
    (_id, flow) => {
      expect(validateFlow(flow)).toEqual([]);
    },
  );

  it('lead capture validates the name, retries the email, asks phone and consent, then calls a webhook', () => {
    const flow = findBuiltInTemplate('lead-capture')!.flow;
    expect(types('lead-capture')).toEqual(
      expect.arrayContaining([
        'textInput',
        'emailInput',
        'phoneInput',
        'choiceInput',
        'condition',
        'httpRequest',
        'end',
      ]),
    );
    const name = blocksOf(flow).find((b) => b.type === 'textInput');
    expect(name).toMatchObject({ options: { pattern: expect.any(String), minLength: 2, maxLength: 80 } });
    expect(blocksOf(flow).find((b) => b.type === 'emailInput')).toMatchObject({
      options: { retryMessage: expect.stringContaining('email') },
    });
    expect(blocksOf(flow).find((b) => b.type === 'httpRequest')).toMatchObject({
      options: { url: '{{Webhook URL}}', retries: 2 },
    });
  });

  it('AI FAQ hands off on request, by condition or by command', () => {
    const flow = findBuiltInTemplate('ai-faq')!.flow;
    expect(types('ai-faq')).toEqual(expect.arrayContaining(['openAiChat', 'condition', 'handoff']));
    const handoffGroup = flow.groups.find((g) => g.blocks.some((b) => b.type === 'handoff'))!;
    const command = flow.events.find((e) => e.type === 'command');
    expect(command).toMatchObject({ command: 'human' });
    const into = flow.edges.filter((e) => e.to.groupId === handoffGroup.id).map((e) => e.from);
    expect(into).toEqual(
      expect.arrayContaining([{ eventId: command!.id }, expect.objectContaining({ itemId: 'asks-for-human' })]),
    );
  });

  it('satisfaction survey rates, asks a comment and thanks', () => {
    expect(types('satisfaction-survey')).toEqual([
      'text',
      'ratingInput',
      'condition',
      'text',
      'textInput',
      'text',
      'textInput',
      'text',
      'end',
    ]);
  });

  it('returns undefined for an unknown template', () => {
    expect(findBuiltInTemplate('nope')).toBeUndefined();
  });
});
