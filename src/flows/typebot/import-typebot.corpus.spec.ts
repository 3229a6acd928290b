import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FlowDocument } from '../model/flow-document';
import { validateFlow } from '../validation/validate-flow';
import { importTypebot } from './import-typebot';

/** The Typebot corpus lives in shared/, a sibling of the repository root. */
const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'shared', 'compat', 'typebot', 'flows');

interface SourceExit {
  edgeId: string;
  /** The expected Parley source: the start block's exit leaves the start event (= start group id). */
  from: { blockId: string; itemId?: string } | { eventId: string };
}

/** Reads the corpus file independently of the importer: plain JSON walking. */
function readSource(file: string) {
  const json = JSON.parse(fs.readFileSync(path.join(CORPUS, file), 'utf8'));
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
  const edges = new Map<string, any>((json.edges ?? []).map((e: any) => [e.id, e]));
  return {
    json,
    version: json.version ?? '3',
    groupIds: groups.filter((g) => g !== startGroup).map((g) => g.id as string),
    blockIds: groups.flatMap((g) => g.blocks.filter((b: any) => b.type !== 'start').map((b: any) => b.id as string)),
    variableIds: (json.variables ?? []).map((v: any) => v.id as string),
    exits,
    edges,
  };
}

function importedFlow(json: unknown) {
  const result = importTypebot(json);
  if (!result.ok) throw new Error(`import failed: ${JSON.stringify(result.errors)}`);
  return result;
}

const allBlocks = (flow: FlowDocument) => flow.groups.flatMap((g) => g.blocks);

const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.json'));

describe('Typebot corpus import', () => {
  it('covers the 25 corpus files', () => {
    expect(files).toHaveLength(25);
  });

  describe.each(files)('%s', (file) => {
    const source = readSource(file);
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

    it('keeps group and variable ids, and drops the start group of old versions', () => {
      expect(flow.groups.map((g) => g.id)).toEqual(source.groupIds);
      expect(flow.variables.map((v) => v.id)).toEqual(source.variableIds);
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
});
