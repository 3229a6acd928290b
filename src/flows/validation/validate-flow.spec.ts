import type { FlowDocumentInput } from '../model/flow-document';
import type { FlowProblem } from './flow-problem';
import { hasErrors, validateFlow } from './validate-flow';

/** A small valid flow: ask a name, say goodbye, end. */
function baseFlow(): any {
  return {
    schemaVersion: 1,
    variables: [{ id: 'v-name', name: 'Name' }],
    events: [{ id: 'start', type: 'start' }],
    groups: [
      {
        id: 'g-ask',
        title: 'Ask',
        blocks: [
          { id: 'b-ask', type: 'text', options: { text: 'Your name?' } },
          { id: 'b-input', type: 'textInput', options: { variableId: 'v-name' } },
        ],
      },
      {
        id: 'g-bye',
        title: 'Bye',
        blocks: [
          { id: 'b-bye', type: 'text', options: { text: 'Bye {{Name}}' } },
          { id: 'b-end', type: 'end' },
        ],
      },
    ],
    edges: [
      { id: 'e-start', from: { eventId: 'start' }, to: { groupId: 'g-ask' } },
      { id: 'e-ask', from: { blockId: 'b-input' }, to: { groupId: 'g-bye' } },
    ],
  } satisfies FlowDocumentInput;
}

function flowWith(change: (doc: any) => void): unknown {
  const doc = baseFlow();
  change(doc);
  return doc;
}

const addGroup = (doc: any, id: string, blocks: unknown[], title = id) => doc.groups.push({ id, title, blocks });
const addEdge = (doc: any, id: string, from: object, groupId: string) => doc.edges.push({ id, from, to: { groupId } });

const withCode = (problems: FlowProblem[], code: string) => problems.filter((p) => p.code === code);

describe('validateFlow', () => {
  it('finds nothing wrong in a sound flow', () => {
    expect(validateFlow(baseFlow())).toEqual([]);
  });

  describe('schema', () => {
    it('reports schema errors with their path and the block they sit in, and stops there', () => {
      const problems = validateFlow(
        flowWith((doc) => {
          doc.groups[0].blocks[1].options.bogus = true;
          doc.events = [];
        }),
      );
      expect(problems).toEqual([
        expect.objectContaining({
          code: 'schema.invalid',
          severity: 'error',
          path: 'groups.0.blocks.1.options',
          groupId: 'g-ask',
          blockId: 'b-input',
        }),
      ]);
      expect(problems[0]?.message).toContain('bogus');
    });

    it('reports an unknown block type and a non-object document', () => {
      const unknownType = validateFlow(flowWith((doc) => (doc.groups[1].blocks[0].type = 'carousel')));
      expect(unknownType[0]).toMatchObject({
        code: 'schema.invalid',
        path: 'groups.1.blocks.0.type',
        blockId: 'b-bye',
      });
      expect(validateFlow(null)[0]).toMatchObject({ code: 'schema.invalid', path: '(root)' });
    });
  });

  describe('start event', () => {
    it('requires one', () => {
      const problems = validateFlow(
        flowWith((doc) => {
          doc.events = [];
          doc.edges.shift();
        }),
      );
      expect(withCode(problems, 'start.missing')).toHaveLength(1);
    });

    it('allows only one', () => {
      const problems = validateFlow(
        flowWith((doc) => {
          doc.events.push({ id: 'start-2', type: 'start' });
          addEdge(doc, 'e-start-2', { eventId: 'start-2' }, 'g-ask');
        }),
      );
      expect(withCode(problems, 'start.multiple')).toEqual([expect.objectContaining({ eventId: 'start-2' })]);
    });

    it('needs the start event connected; other events only get a warning', () => {
      const problems = validateFlow(
        flowWith((doc) => {
          doc.edges.shift();
          doc.events.push({ id: 'cmd', type: 'command', command: 'help' });
        }),
      );
      expect(withCode(problems, 'event.no_edge').map((p) => [p.eventId, p.severity])).toEqual([
        ['start', 'error'],
        ['cmd', 'warning'],
      ]);
    });

    it('rejects two events for the same command', () => {
      const problems = validateFlow(
        flowWith((doc) => {
          doc.events.push(
            { id: 'c1', type: 'command', command: 'human' },
            { id: 'c2', type: 'command', command: 'human' },
          );
          addEdge(doc, 'e-c1', { eventId: 'c1' }, 'g-bye');
          addEdge(doc, 'e-c2', { eventId: 'c2' }, 'g-bye');
        }),
      );
      expect(withCode(problems, 'event.duplicate_command')).toHaveLength(1);
    });
  });

  describe('ids', () => {
    it('reports duplicated ids and variable names', () => {
      const problems = validateFlow(
        flowWith((doc) => {
          doc.groups[1].blocks[0].id = 'b-ask';
          doc.variables.push({ id: 'v-name', name: 'Other' }, { id: 'v-other', name: 'Name' });
        }),
      );
      expect(withCode(problems, 'id.duplicate').map((p) => p.message)).toEqual([
        'block id "b-ask" is used more than once',
        'variable id "v-name" is used more than once',
      ]);
      expect(withCode(problems, 'variable.duplicate_name')).toHaveLength(1);
    });
  });

  describe('edges', () => {
    it('reports edges from or to things that do not exist', () => {
      const problems = validateFlow(
        flowWith((doc) => {
          addEdge(doc, 'e-ghost-block', { blockId: 'nope' }, 'g-bye');
          addEdge(doc, 'e-ghost-item', { blockId: 'b-ask', itemId: 'nope' }, 'g-bye');
          addEdge(doc, 'e-ghost-event', { eventId: 'nope' }, 'g-bye');
          addEdge(doc, 'e-ghost-group', { blockId: 'b-bye' }, 'nope');
          doc.edges.push({
            id: 'e-ghost-target',
            from: { blockId: 'b-ask' },
            to: { groupId: 'g-bye', blockId: 'b-ask' },
          });
        }),
      );
      expect(withCode(problems, 'edge.unknown_source').map((p) => p.edgeId)).toEqual([
        'e-ghost-block',
        'e-ghost-item',
        'e-ghost-event',
      ]);
      expect(withCode(problems, 'edge.unknown_target').map((p) => p.edgeId)).toEqual([
        'e-ghost-group',
        'e-ghost-target',
      ]);
    });

    it('allows one edge per exit', () => {
      const problems = validateFlow(flowWith((doc) => addEdge(doc, 'e-again', { blockId: 'b-input' }, 'g-ask')));
      expect(withCode(problems, 'edge.duplicate_exit')).toEqual([expect.objectContaining({ edgeId: 'e-again' })]);
    });

    it('warns about exits of blocks that never continue', () => {
      const problems = validateFlow(flowWith((doc) => addEdge(doc, 'e-after-end', { blockId: 'b-end' }, 'g-ask')));
      expect(withCode(problems, 'edge.never_taken')).toEqual([
        expect.objectContaining({ severity: 'warning', edgeId: 'e-after-end', blockId: 'b-end' }),
      ]);
    });

    it('checks jump targets', () => {
      const problems = validateFlow(
        flowWith((doc) => {
          doc.groups[1].blocks.splice(1, 0, { id: 'b-jump', type: 'jump', options: { groupId: 'g-nope' } });
          doc.groups[1].blocks.splice(1, 0, {
            id: 'b-jump-2',
            type: 'jump',
            options: { groupId: 'g-ask', blockId: 'b-bye' },
          });
        }),
      );
      expect(withCode(problems, 'jump.unknown_target').map((p) => p.blockId)).toEqual(['b-jump-2', 'b-jump']);
    });
  });

  describe('reachability', () => {
    it('warns about groups no event leads to, and empty groups', () => {
      const problems = validateFlow(flowWith((doc) => addGroup(doc, 'g-island', [])));
      expect(problems).toEqual([
        expect.objectContaining({ code: 'group.empty', severity: 'warning', groupId: 'g-island' }),
        expect.objectContaining({ code: 'group.unreachable', severity: 'warning', groupId: 'g-island' }),
      ]);
    });

    it('counts jumps and every event as ways in', () => {
      const problems = validateFlow(
        flowWith((doc) => {
          addGroup(doc, 'g-help', [{ id: 'b-help', type: 'text', options: { text: 'Help' } }]);
          addGroup(doc, 'g-more', [{ id: 'b-more', type: 'text', options: { text: 'More' } }]);
          doc.events.push({ id: 'idle', type: 'idle', timeoutSeconds: 60 });
          addEdge(doc, 'e-idle', { eventId: 'idle' }, 'g-help');
          doc.groups[2].blocks.push({ id: 'b-to-more', type: 'jump', options: { groupId: 'g-more' } });
        }),
      );
      expect(withCode(problems, 'group.unreachable')).toEqual([]);
    });

    it('warns about blocks after an end, return or handoff, unless an edge enters them', () => {
      const problems = validateFlow(
        flowWith((doc) => {
          doc.groups[1].blocks.push(
            { id: 'b-dead', type: 'text', options: { text: 'never' } },
            { id: 'b-handoff', type: 'handoff' },
            { id: 'b-entered', type: 'text', options: { text: 'entered' } },
          );
          doc.edges.push({ id: 'e-enter', from: { blockId: 'b-ask' }, to: { groupId: 'g-bye', blockId: 'b-entered' } });
        }),
      );
      expect(withCode(problems, 'block.unreachable').map((p) => p.blockId)).toEqual(['b-dead', 'b-handoff']);
    });

    it('does not flag blocks after a jump: a return resumes there', () => {
      const problems = validateFlow(
        flowWith((doc) => {
          doc.groups[1].blocks.unshift({ id: 'b-jump', type: 'jump', options: { groupId: 'g-sub' } });
          addGroup(doc, 'g-sub', [
            { id: 'b-sub', type: 'text', options: { text: 'sub' } },
            { id: 'b-ret', type: 'return' },
          ]);
        }),
      );
      expect(problems).toEqual([]);
    });
  });

  describe('variables', () => {
    it('reports variable ids that name no variable', () => {
      const problems = validateFlow(
        flowWith((doc) => {
          doc.groups[0].blocks[1].options.variableId = 'v-ghost';
          doc.groups[1].blocks.unshift({
            id: 'b-cond',
            type: 'condition',
            items: [{ id: 'i', condition: { comparisons: [{ id: 'c', variableId: 'v-gone', operator: 'isSet' }] } }],
          });
          doc.events.push({ id: 'reply', type: 'reply', contentVariableId: 'v-missing' });
          addEdge(doc, 'e-reply', { eventId: 'reply' }, 'g-bye');
        }),
      );
      expect(withCode(problems, 'variable.unknown').map((p) => [p.path, p.severity])).toEqual([
        ['groups.0.blocks.1.options.variableId', 'error'],
        ['groups.1.blocks.0.items.0.condition.comparisons.0', 'error'],
        ['events.1.contentVariableId', 'error'],
      ]);
    });

    it('warns about {{names}} that name no variable, but not about inline code', () => {
      const problems = validateFlow(
        flowWith((doc) => (doc.groups[1].blocks[0].options.text = 'Bye {{Nmae}} {{= 1 + 1 =}} {{ Name }}')),
      );
      expect(withCode(problems, 'variable.unknown_name')).toEqual([
        expect.objectContaining({
          severity: 'warning',
          blockId: 'b-bye',
          message: expect.stringContaining('{{Nmae}}'),
        }),
      ]);
    });

    it('reads references in HTTP requests', () => {
      const problems = validateFlow(
        flowWith((doc) =>
          doc.groups[1].blocks.unshift({
            id: 'b-http',
            type: 'httpRequest',
            options: {
              url: 'https://api.example.com/{{Name}}',
              body: '{"who": "{{Whom}}"}',
              responseMapping: [{ path: 'data.id', variableId: 'v-id' }],
            },
          }),
        ),
      );
      expect(withCode(problems, 'variable.unknown_name').map((p) => p.message)).toEqual([
        '{{Whom}} names no variable and will print as empty text',
      ]);
      expect(withCode(problems, 'variable.unknown')).toEqual([
        expect.objectContaining({ path: 'groups.1.blocks.0.options.responseMapping.0.variableId' }),
      ]);
    });
  });

  describe('options', () => {
    const withBlock = (block: object) => validateFlow(flowWith((doc) => doc.groups[1].blocks.unshift(block)));

    it('requires an HTTP URL', () => {
      expect(
        withCode(withBlock({ id: 'b-http', type: 'httpRequest', options: { url: '  ' } }), 'option.missing'),
      ).toEqual([
        expect.objectContaining({ severity: 'error', blockId: 'b-http', path: 'groups.1.blocks.0.options.url' }),
      ]);
    });

    it('requires choice items unless a list variable builds them', () => {
      const empty = withBlock({ id: 'b-choice', type: 'choiceInput', options: { variableId: 'v-name' } });
      expect(withCode(empty, 'option.missing')).toEqual([expect.objectContaining({ path: 'groups.1.blocks.0.items' })]);
      const dynamic = withBlock({
        id: 'b-choice',
        type: 'choiceInput',
        options: { variableId: 'v-name', dynamicItems: { listVariableId: 'v-name' } },
      });
      expect(dynamic).toEqual([]);
    });

    it('requires what other blocks cannot run without', () => {
      const missing = (block: object) => withCode(withBlock(block), 'option.missing').length;
      expect(missing({ id: 'x', type: 'setVariable' })).toBe(2);
      expect(missing({ id: 'x', type: 'jump' })).toBe(1);
      expect(missing({ id: 'x', type: 'redirect' })).toBe(1);
      expect(missing({ id: 'x', type: 'image' })).toBe(1);
      expect(missing({ id: 'x', type: 'openAiChat' })).toBe(1);
      expect(missing({ id: 'x', type: 'sendEmail', options: { subject: 'Hi' } })).toBe(1);
      expect(missing({ id: 'x', type: 'linkBot' })).toBe(1);
      expect(missing({ id: 'x', type: 'condition' })).toBe(1);
      expect(missing({ id: 'x', type: 'updateContact' })).toBe(1);
      expect(
        missing({ id: 'x', type: 'updateContact', options: { fields: [{ field: 'attribute', value: 'pro' }] } }),
      ).toBe(1);
    });

    it('knows {{contact.*}} names (no unknown-name warning)', () => {
      const block = {
        id: 'uc',
        type: 'updateContact',
        options: { fields: [{ field: 'name', value: '{{contact.name}} {{contact.plan}}' }] },
      };
      expect(withCode(withBlock(block), 'variable.unknown_name')).toEqual([]);
    });

    it('rejects impossible ranges', () => {
      expect(
        withCode(withBlock({ id: 'n', type: 'numberInput', options: { min: 10, max: 1 } }), 'option.invalid_range'),
      ).toHaveLength(1);
      expect(
        withCode(
          withBlock({ id: 't', type: 'textInput', options: { minLength: 5, maxLength: 2 } }),
          'option.invalid_range',
        ),
      ).toHaveLength(1);
      const dates = (min: string, max: string) =>
        withCode(withBlock({ id: 'd', type: 'dateInput', options: { min, max } }), 'option.invalid_range').length;
      expect(dates('2025-12-31', '2025-01-01')).toBe(1);
      expect(dates('2025-01-01', '2025-12-31')).toBe(0);
      expect(dates('{{From}}', '2025-01-01')).toBe(0);
    });

    it('warns about condition branches without comparisons', () => {
      const problems = withBlock({ id: 'c', type: 'condition', items: [{ id: 'i', condition: {} }] });
      expect(withCode(problems, 'condition.never_true')).toEqual([expect.objectContaining({ severity: 'warning' })]);
    });

    it('reports unsupported blocks as not runnable', () => {
      const problems = withBlock({
        id: 'b-code',
        type: 'unsupported',
        options: { originalType: 'Code', reason: 'runs JavaScript', raw: { options: { content: 'x()' } } },
      });
      expect(problems).toEqual([
        expect.objectContaining({ code: 'block.unsupported', severity: 'error', blockId: 'b-code', groupId: 'g-bye' }),
      ]);
      expect(hasErrors(problems)).toBe(true);
    });
  });

  describe('regular expressions', () => {
    const textPattern = (pattern: string) =>
      validateFlow(flowWith((doc) => (doc.groups[0].blocks[1].options.pattern = pattern)));

    it('rejects invalid patterns', () => {
      expect(textPattern('^(abc$')).toEqual([
        expect.objectContaining({
          code: 'regex.invalid',
          severity: 'error',
          path: 'groups.0.blocks.1.options.pattern',
        }),
      ]);
    });

    it('warns about patterns prone to catastrophic backtracking', () => {
      expect(textPattern('^(a+)+$')).toEqual([
        expect.objectContaining({ code: 'regex.backtracking', severity: 'warning' }),
      ]);
      expect(textPattern('^[A-Z]{2}\\d{4,}$')).toEqual([]);
    });

    it('checks regex comparisons and reply filters', () => {
      const problems = validateFlow(
        flowWith((doc) => {
          doc.groups[1].blocks.unshift({
            id: 'b-cond',
            type: 'condition',
            items: [
              {
                id: 'i',
                condition: {
                  comparisons: [{ id: 'c', variableId: 'v-name', operator: 'matchesRegex', value: '/[a-/i' }],
                },
              },
            ],
          });
          doc.events.push({
            id: 'reply',
            type: 'reply',
            filter: { operator: 'matchesRegex', value: '/(\\w*\\s?)*$/' },
          });
          addEdge(doc, 'e-reply', { eventId: 'reply' }, 'g-bye');
        }),
      );
      expect(problems.map((p) => [p.code, p.path])).toEqual([
        ['regex.backtracking', 'events.1.filter.value'],
        ['regex.invalid', 'groups.1.blocks.0.items.0.condition.comparisons.0.value'],
      ]);
    });
  });

  describe('loops', () => {
    const loopFlow = (middle: object[]) =>
      flowWith((doc) => {
        doc.groups[1].blocks = [{ id: 'b-bye', type: 'text', options: { text: 'again' } }, ...middle];
        addEdge(doc, 'e-loop', { blockId: 'b-bye' }, 'g-loop');
        addGroup(doc, 'g-loop', [{ id: 'b-loop', type: 'text', options: { text: 'and again' } }], 'Loop');
        addEdge(doc, 'e-back', { blockId: 'b-loop' }, 'g-bye');
      });

    it('rejects a cycle that never waits and cannot leave', () => {
      expect(withCode(validateFlow(loopFlow([])), 'loop.without_input')).toEqual([
        expect.objectContaining({ severity: 'error', message: expect.stringContaining('"Bye"') }),
      ]);
    });

    it('warns when a condition might leave the cycle', () => {
      const condition = {
        id: 'b-cond',
        type: 'condition',
        items: [{ id: 'i', condition: { comparisons: [{ id: 'c', variableId: 'v-name', operator: 'isSet' }] } }],
      };
      expect(withCode(validateFlow(loopFlow([condition])), 'loop.without_input')).toEqual([
        expect.objectContaining({ severity: 'warning' }),
      ]);
    });

    it('accepts cycles that wait for a timer or a reply', () => {
      expect(
        withCode(
          validateFlow(loopFlow([{ id: 'b-wait', type: 'wait', options: { seconds: 5 } }])),
          'loop.without_input',
        ),
      ).toEqual([]);
      expect(
        validateFlow(flowWith((doc) => addEdge(doc, 'e-again', { blockId: 'b-bye' }, 'g-ask'))).filter(
          (p) => p.code === 'loop.without_input',
        ),
      ).toEqual([]);
    });

    it('sees loops made by jumps, including a group jumping to itself', () => {
      const problems = validateFlow(
        flowWith((doc) => doc.groups[1].blocks.unshift({ id: 'b-self', type: 'jump', options: { groupId: 'g-bye' } })),
      );
      expect(withCode(problems, 'loop.without_input')).toEqual([
        expect.objectContaining({ groupId: 'g-bye', severity: 'error' }),
      ]);
    });
  });
});
