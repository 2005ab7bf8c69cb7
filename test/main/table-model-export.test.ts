// The handlers behind the new table and chart exports, through the controller as the renderer
// calls them: table:exportModel (descriptive, correlation and PSM balance tables built in the
// renderer) to Word/Excel/LaTeX, table:export with the composer's column groups, and
// chart:distribution (a variable's histogram / density computed from the stored column).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppController } from '../../src/main/controller.js';
import { JobHost, nodeWorkerSpawner } from '../../src/main/job-host.js';
import type { DescribeResult } from '../../src/shared/describe.js';
import type { EventMap, EventName } from '../../src/shared/ipc.js';
import { summaryTable } from '../../src/shared/table-describe.js';
import { balanceTable, balanceTableGroups } from '../../src/shared/table-psm.js';
import type { JobFinished } from '../../src/shared/types.js';
import { ZipArchive } from '../../src/store/import/xlsx-zip.js';
import { tempDir } from '../helpers.js';
import { balanceRow } from '../chart/fixtures.js';

const DATA = resolve('test/reference/panel_grunfeld/data.csv');

describe('table:exportModel, table:export with groups, chart:distribution', () => {
  it('writes renderer-built tables and grouped regression tables; draws a variable’s distribution', async () => {
    const waiters: ((f: JobFinished) => void)[] = [];
    const controller = new AppController({
      mode: 'web',
      version: 'test',
      home: tempDir('ps-home-'),
      jobs: new JobHost(nodeWorkerSpawner(resolve('out/node/worker.js'))),
      emit: <E extends EventName>(event: E, payload: EventMap[E]) => {
        if (event === 'job:finished') waiters.splice(0).forEach((w) => w(payload as JobFinished));
      },
    });
    try {
      const dir = tempDir();
      await controller.call('project:new', { path: join(dir, 'study') });
      const { dataset } = await controller.call('dataset:import', { path: DATA });

      // ---- a descriptive table computed in the worker, exported to Word and Excel
      const described = (await controller.call('describe:run', { datasetId: dataset.id, kind: 'summarize', variables: ['inv', 'value'] })) as DescribeResult;
      if (described.kind !== 'summarize') throw new Error('expected a summary');
      const table = summaryTable(described, { lang: 'zh' });
      const docx = join(dir, 'd.docx');
      expect(await controller.call('table:exportModel', { table, path: docx, lang: 'zh', title: '表 1 描述性统计' })).toEqual({ path: docx, rows: 2 });
      const doc = ZipArchive.open(readFileSync(docx), 'd.docx').read('word/document.xml').toString('utf8');
      for (const s of ['>表 1 描述性统计</w:t>', '>观测值</w:t>', '>inv</w:t>', `>${described.rows[0]!.mean!.toFixed(3)}</w:t>`]) expect(doc).toContain(s);
      const xlsx = join(dir, 'd.xlsx');
      await controller.call('table:exportModel', { table, path: xlsx, lang: 'zh' });
      // without a title none is made up (the sheet starts with the header row)
      const strings = ZipArchive.open(readFileSync(xlsx), 'd.xlsx').read('xl/sharedStrings.xml').toString('utf8');
      expect(strings).not.toContain('回归结果');
      expect(ZipArchive.open(readFileSync(xlsx), 'd.xlsx').read('xl/worksheets/sheet1.xml').toString('utf8')).toMatch(/<row r="1"><c r="A1" s="\d+"\/><c r="B1" s="\d+" t="s">/);

      // ---- the PSM balance table with its "Mean" group over treated/controls
      const psm = { outcome: 'y', balance: [balanceRow('size', 40, 3)], summary: [], effects: { att: { estimate: 0.5, std_error: 0.1, statistic: 5, treated_mean: 1, control_mean: 0.5, n: 10 } }, counts: { treated_on_support: 10, controls_matched: 12 } };
      const bal = balanceTable(psm as never, { lang: 'en' });
      const tex = join(dir, 'b.tex');
      await controller.call('table:exportModel', { table: bal, path: tex, lang: 'en', groups: balanceTableGroups('en') });
      const t = readFileSync(tex, 'utf8');
      expect(t).toContain(' &  & \\multicolumn{2}{c}{Mean} &  &  &  &  \\\\\n\\cmidrule(lr){3-4}');
      expect(t).toContain('size & Unmatched & 1.000 & 0.500 & 40.0 & 92.5 & 0.010 & 1.10 \\\\');
      expect(t).toContain(' & Matched & 1.000 & 0.900 & 3.0 &  & 0.600 & 1.00 \\\\');

      // ---- malformed tables are refused by name
      const bad = await controller.invoke('table:exportModel', { table: { ...table, rows: [{ label: 'x', cells: ['1'], kind: 'stat' }] }, path: join(dir, 'x.md') });
      expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'table.rows[0] has 1 cells, the table has 8 columns' } });
      const wide = await controller.invoke('table:exportModel', { table, path: join(dir, 'x.md'), groups: [{ label: 'A', span: 9 }] });
      expect(wide).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'the column groups span 9 columns, the table has 8' } });
      expect(await controller.invoke('table:exportModel', { table, path: join(dir, 'x.pdf') })).toMatchObject({ ok: false, error: { message: 'x.pdf: choose a .docx, .xlsx, .tex, .md, .csv or .html file name' } });

      // ---- two models, grouped in the composer: "Large | Small"
      const ids: number[] = [];
      for (const cond of ['capital >= 200', 'capital < 200']) {
        const done = new Promise<JobFinished>((r) => waiters.push(r));
        await controller.call('estimate:run', { datasetId: dataset.id, spec: { estimator: 'ols', y: 'inv', x: ['value'], vcov: 'robust', sample: { if: cond } } });
        const fin = await done;
        expect(fin.ok, fin.error?.message).toBe(true);
        ids.push(fin.modelId as number);
      }
      const groups = [
        { label: 'Large', span: 1 },
        { label: 'Small', span: 1 },
      ];
      const html = join(dir, 'g.html');
      expect(await controller.call('table:export', { modelIds: ids, path: html, options: { groups } })).toEqual({ path: html, columns: 2 });
      expect(readFileSync(html, 'utf8')).toContain('<thead><tr class="groups"><th></th><th>Large</th><th>Small</th></tr>');
      const gx = join(dir, 'g.xlsx');
      await controller.call('table:export', { modelIds: ids, path: gx, options: { groups: [{ label: 'Both halves', span: 2 }] } });
      expect(ZipArchive.open(readFileSync(gx), 'g.xlsx').read('xl/worksheets/sheet1.xml').toString('utf8')).toContain('<mergeCell ref="B2:C2"/>');
      const tooWide = await controller.invoke('table:export', { modelIds: ids, path: html, options: { groups: [{ label: 'A', span: 3 }] } });
      expect(tooWide).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'the column groups span 3 columns, the table has 2' } });

      // ---- the entropy weights (a tool's table) go to Word and Excel through tooltable:export
      const ent = await controller.call('tool:run', { datasetId: dataset.id, tool: 'entropy', params: { name: 'idx', positive: ['value', 'capital'] } });
      const weights = ent.tables![0]!;
      const wdocx = join(dir, 'w.docx');
      expect(await controller.call('tooltable:export', { table: weights, path: wdocx, lang: 'zh' })).toEqual({ path: wdocx, rows: 2 });
      const wdoc = ZipArchive.open(readFileSync(wdocx), 'w.docx').read('word/document.xml').toString('utf8');
      expect(wdoc).toContain(`>${weights.title.zh}</w:t>`);
      for (const r of weights.rows) expect(wdoc).toContain(`>${String(r[weights.columns[0]!.key])}</w:t>`);
      const wxlsx = join(dir, 'w.xlsx');
      await controller.call('tooltable:export', { table: weights, path: wxlsx, lang: 'en' });
      const sheet = ZipArchive.open(readFileSync(wxlsx), 'w.xlsx').read('xl/worksheets/sheet1.xml').toString('utf8');
      // the weights sum to one; each is a number cell in the sheet with the table's decimals
      const wcol = weights.columns.find((c) => c.key === 'weight')!;
      const ws = weights.rows.map((r) => r.weight as number);
      expect(ws.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
      for (const w of ws) expect(sheet).toContain(`<v>${Number(w.toFixed(wcol.decimals ?? 4))}</v>`);

      // ---- chart:distribution: bins that count every value; the density integrates to about 1
      const hist = await controller.call('chart:distribution', { datasetId: dataset.id, variable: 'inv', kind: 'histogram', bins: 10 });
      expect(hist.kind).toBe('histogram');
      expect(hist.series[0]!.points).toHaveLength(10);
      expect(hist.series[0]!.points.reduce((s, p) => s + p.y, 0)).toBe(200);
      const inv = readFileSync(DATA, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[2]));
      expect(hist.series[0]!.points[0]!.x).toBe(Math.min(...inv));
      expect(hist.series[0]!.points[9]!.x2).toBeCloseTo(Math.max(...inv), 9);
      const dens = await controller.call('chart:distribution', { datasetId: dataset.id, variable: 'inv', kind: 'density', lang: 'zh' });
      const pts = dens.series[0]!.points;
      let area = 0;
      for (let i = 1; i < pts.length; i++) area += ((pts[i]!.y + pts[i - 1]!.y) / 2) * (pts[i]!.x - pts[i - 1]!.x);
      expect(area).toBeGreaterThan(0.99);
      expect(area).toBeLessThan(1.001);
      expect(dens.y.label).toBe('密度');
      expect(await controller.invoke('chart:distribution', { datasetId: dataset.id, variable: 'nope', kind: 'density' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'variable "nope" is not in the dataset' } });
      expect(await controller.invoke('chart:distribution', { datasetId: dataset.id, variable: 'inv', kind: 'density', bandwidth: -2 })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    } finally {
      controller.dispose();
    }
  }, 60_000);
});
