import { builtInTemplates } from '../templates';
import { createParleyExport, parseParleyExport } from './parley-export';

describe('Parley export', () => {
  it.each(builtInTemplates.map((t) => [t.id, t] as const))('round-trips the %s flow through JSON', (_id, template) => {
    const file = JSON.stringify(createParleyExport(template.name, template.flow, template.description));
    const parsed = parseParleyExport(JSON.parse(file));
    expect(parsed).toEqual({
      ok: true,
      export: {
        format: 'parley.flow',
        formatVersion: 1,
        name: template.name,
        description: template.description,
        flow: template.flow,
      },
    });
  });

  it('rejects other formats and versions with the fields at fault', () => {
    const flow = builtInTemplates[0]!.flow;
    const wrongFormat = parseParleyExport({ ...createParleyExport('Bot', flow), format: 'typebot' });
    expect(wrongFormat).toMatchObject({ ok: false, errors: [{ field: 'format' }] });
    const newer = parseParleyExport({ ...createParleyExport('Bot', flow), formatVersion: 2 });
    expect(newer).toMatchObject({ ok: false, errors: [{ field: 'formatVersion' }] });
  });

  it('reports invalid flows by their path inside the export', () => {
    const result = parseParleyExport({
      format: 'parley.flow',
      formatVersion: 1,
      name: 'Bot',
      flow: { schemaVersion: 1, groups: [{ id: 'g', blocks: [{ id: 'b', type: 'redirect', options: { url: 1 } }] }] },
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.field)).toEqual(['flow.groups[0].blocks[0].options.url']);
  });

  it('rejects something that is not an export', () => {
    expect(parseParleyExport('hello')).toMatchObject({ ok: false, errors: [{ field: '(root)' }] });
  });
});
