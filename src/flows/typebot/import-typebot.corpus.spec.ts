import { corpusFiles, corpusFlow, describeCorpus, fixture, fixtureFiles } from '../../../test/support/typebot-corpus';
import type { FlowDocument } from '../model/flow-document';
import { validateFlow } from '../validation/validate-flow';
import { importTypebot } from './import-typebot';
import { TYPEBOT_VERSIONS } from './typebot-source';

interface SourceExit {
  edgeId: string;
  /** The expected Parley source: the start block's exit leaves the start event (= start group id). */
  from: { blockId: string; itemId?: string } | { eventId: string };
}

/** Reads an export independently of the importer: plain JSON walking. */
function readSource(json: any) {
  const groups: any[] = json.groups;
  const startGroup = groups.find((g) => g.blocks.some((b: any) => b.type === 'start'));
  const exits: SourceExit[] = [];
  for (const event of json.events ?? []) {
    if (event.outgoingEdgeId) exits.push({ edgeId: event.outgoingEdgeId, from: { eventId: event.id } });
  }
  for (const group of groups) {
    for (const block of group.blocks) {
      if (block.outgoingEdgeId) {
        const from = block.type === 'start' ? { eventId: group.id } : { blockId: block.id };
        exits.push({ edgeId: block.outgoingEdgeId, from });
      }
      for (const item of block.items ?? []) {
        if (item.outgoingEdgeId)
          exits.push({ edgeId: item.outgoingEdgeId, from: { blockId: block.id, itemId: item.id } });
      }
    }
  }
  // Typebot drops edges without a target group (old exports have some); the importer says so by position.
  const wellFormed = (e: any) => typeof e?.id === 'string' && typeof e.to?.groupId === 'string';
  const edges = new Map<string, any>((json.edges ?? []).filter(wellFormed).map((e: any) => [e.id, e]));
  return {
    json,
    version: json.version ?? '3',
    groupIds: groups.filter((g) => g !== startGroup).map((g) => g.id as string),
    blockIds: groups.flatMap((g) => g.blocks.filter((b: any) => b.type !== 'start').map((b: any) => b.id as string)),
    variableIds: (json.variables ?? []).map((v: any) => v.id as string),
    exits,
    edges,
    malformedEdges: (json.edges ?? []).filter((e: any) => !wellFormed(e)).length,
  };
}

function importedFlow(json: unknown) {
  const result = importTypebot(json);
  if (!result.ok) throw new Error(`import failed: ${JSON.stringify(result.errors)}`);
  return result;
}

const allBlocks = (flow: FlowDocument) => flow.groups.flatMap((g) => g.blocks);

/** The properties every imported export must have, checked file by file. */
function importsFaithfully(files: string[], read: (file: string) => unknown): void {
  describe.each(files)('%s', (file) => {
    const source = readSource(read(file));
    const result = importedFlow(source.json);
    const { flow, report } = result;

    it('imports with a name and exactly one start event', () => {
      expect(result.name.length).toBeGreaterThan(0);
      expect(flow.events.filter((e) => e.type === 'start')).toHaveLength(1);
    });

    it('brings every non-start block, with its id, in order', () => {
      expect(allBlocks(flow).map((b) => b.id)).toEqual(source.blockIds);
      expect(report.blocksImported).toBe(source.blockIds.length);
    });

    it('keeps group and variable ids (declaring the undeclared ones after), and drops the start group of old versions', () => {
      expect(flow.groups.map((g) => g.id)).toEqual(source.groupIds);
      expect(flow.variables.map((v) => v.id)).toEqual([
        ...source.variableIds,
        ...report.undeclaredVariables.map((v) => v.variableId),
      ]);
      expect(report.undeclaredVariables.filter((v) => source.variableIds.includes(v.variableId))).toEqual([]);
    });

    it('keeps every edge between the same source and target', () => {
      const imported = new Map(flow.edges.map((e) => [e.id, e]));
      for (const exit of source.exits) {
        const original = source.edges.get(exit.edgeId);
        if (!original) {
          expect(report.warnings.some((w) => w.includes(exit.edgeId))).toBe(true);
          continue;
        }
        const edge = imported.get(exit.edgeId);
        expect(edge?.from).toEqual(exit.from);
        expect(edge?.to).toEqual(
          original.to.blockId
            ? { groupId: original.to.groupId, blockId: original.to.blockId }
            : { groupId: original.to.groupId },
        );
      }
    });

    it('reports every source edge it could not keep', () => {
      const kept = new Set(flow.edges.map((e) => e.id));
      for (const id of source.edges.keys()) {
        if (!kept.has(id)) expect(report.warnings.some((w) => w.includes(`"${id}"`))).toBe(true);
      }
      expect(flow.edges.every((e) => source.edges.has(e.id))).toBe(true);
      expect(report.warnings.filter((w) => /^edge \d+ is malformed/.test(w))).toHaveLength(source.malformedEdges);
    });

    it('validates without errors except on the blocks reported as not runnable', () => {
      const notRunnable = new Set(report.notRunnable.map((n) => n.blockId));
      const errors = validateFlow(flow).filter((p) => p.severity === 'error');
      expect(errors.filter((p) => p.blockId === undefined || !notRunnable.has(p.blockId))).toEqual([]);
      for (const blockId of notRunnable) expect(errors.some((p) => p.blockId === blockId)).toBe(true);
    });

    it('lists every unsupported block as not runnable, with the Typebot type', () => {
      const unsupported = allBlocks(flow).filter((b) => b.type === 'unsupported');
      for (const block of unsupported) {
        expect(report.notRunnable).toContainEqual(
          expect.objectContaining({ blockId: block.id, type: block.options.originalType }),
        );
      }
    });
  });
}

/** Every Typebot block type the importer knows: mapped to a Parley block, or kept as unsupported. */
const KNOWN_BLOCK_TYPES = [
  ...['text', 'image', 'video', 'audio', 'embed'],
  ...['text input', 'number input', 'email input', 'url input', 'phone number input', 'date input', 'time input'],
  ...['rating input', 'choice input', 'picture choice input', 'file input', 'payment input', 'cards'],
  ...['Condition', 'Set variable', 'Redirect', 'Typebot link', 'Wait', 'AB test', 'Jump', 'Return', 'Code', 'webhook'],
  ...['Webhook', 'Zapier', 'Make.com', 'Pabbly', 'Email', 'OpenAI', 'openai', 'Google Sheets'],
  ...['Chatwoot', 'Google Analytics', 'Pixel', 'mistral', 'qr-code'],
];

describe('Typebot import of the project fixtures (test/fixtures/typebot)', () => {
  const files = fixtureFiles();
  const exports = files.map((file) => fixture<any>(file));

  it('use every block type the importer knows, every event type, and every schema version', () => {
    const types = new Set(exports.flatMap((json) => json.groups.flatMap((g: any) => g.blocks.map((b: any) => b.type))));
    expect(KNOWN_BLOCK_TYPES.filter((type) => !types.has(type))).toEqual([]);
    const events = new Set(exports.flatMap((json) => (json.events ?? []).map((e: any) => e.type)));
    expect([...events].sort()).toEqual(['command', 'invalidReply', 'reply', 'start']);
    const versions = new Set(exports.map((json) => json.version ?? '(none)'));
    expect([...versions].sort()).toEqual(['(none)', ...TYPEBOT_VERSIONS]);
  });

  importsFaithfully(files, (file) => fixture(file));
});

describeCorpus('Typebot corpus import', () => {
  const files = corpusFiles();

  it('covers the 25 corpus files', () => {
    expect(files).toHaveLength(25);
  });

  importsFaithfully(files, (file) => corpusFlow(file));
});
