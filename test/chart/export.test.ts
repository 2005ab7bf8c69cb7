// chart:export writes what the renderer drew — SVG text, PNG bytes or the PDF of pdf.ts — only to a
// chosen path with the matching extension, and refuses anything that is not an SVG document, a PNG
// image or a 7-bit PDF document.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppController } from '../../src/main/controller.js';
import { JobHost, nodeWorkerSpawner } from '../../src/main/job-host.js';
import { collectCoefPlot } from '../../src/shared/chart/coef.js';
import { renderPdf } from '../../src/shared/chart/pdf.js';
import { renderSvg } from '../../src/shared/chart/svg.js';
import { tempDir } from '../helpers.js';
import { coef, fakeResult } from './fixtures.js';

// the smallest valid PNG: 1×1 transparent pixel
const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('chart:export', () => {
  const dir = tempDir();
  let picked = join(dir, 'chosen.svg');
  const make = (mode: 'web' | 'electron') =>
    new AppController({ mode, version: 'test', home: tempDir('ps-home-'), jobs: new JobHost(nodeWorkerSpawner(resolve('out/node/worker.js'))), emit: () => {}, pick: async () => picked });
  const web = make('web');
  const electron = make('electron');
  afterAll(() => {
    web.dispose();
    electron.dispose();
  });
  const svg = renderSvg(collectCoefPlot([fakeResult('y', [coef('x', 1, 0.2)])]));

  it('writes an SVG and a PNG as given', async () => {
    const a = join(dir, 'fig.svg');
    expect(await web.call('chart:export', { path: a, svg })).toEqual({ path: a, bytes: Buffer.byteLength(svg) });
    expect(readFileSync(a, 'utf8')).toBe(svg);
    const b = join(dir, 'fig.png');
    const out = await web.call('chart:export', { path: b, png: `data:image/png;base64,${PNG_1x1}` });
    expect(out.bytes).toBe(Buffer.from(PNG_1x1, 'base64').length);
    expect(readFileSync(b).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const c = join(dir, 'fig.pdf');
    const pdf = renderPdf(collectCoefPlot([fakeResult('y', [coef('x', 1, 0.2)])]));
    expect(await web.call('chart:export', { path: c, pdf })).toEqual({ path: c, bytes: pdf.length });
    expect(readFileSync(c, 'latin1')).toBe(pdf);
  });

  it('refuses a wrong extension, both or neither payload, non-SVG text, non-PNG bytes, relative paths', async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ path: join(dir, 'a.png'), svg }, /\.svg file name/],
      [{ path: join(dir, 'a.svg'), png: PNG_1x1 }, /\.png file name/],
      [{ path: join(dir, 'a.svg') }, /one of svg, png or pdf/],
      [{ path: join(dir, 'a.svg'), svg, png: PNG_1x1 }, /one of svg, png or pdf/],
      [{ path: join(dir, 'a.svg'), pdf: '%PDF-1.4\n%%EOF\n' }, /\.pdf file name/],
      [{ path: join(dir, 'a.pdf'), pdf: '<svg/>' }, /not a PDF document/],
      [{ path: join(dir, 'a.pdf'), pdf: '%PDF-1.4\n%µ binary\n%%EOF\n' }, /not a PDF document/],
      [{ path: join(dir, 'a.pdf'), pdf: '%PDF-1.4\ncut short' }, /not a PDF document/],
      [{ path: join(dir, 'a.svg'), svg: '<html><script>alert(1)</script></html>' }, /not an SVG document/],
      [{ path: join(dir, 'a.png'), png: Buffer.from('GIF89a......').toString('base64') }, /not a PNG image/],
      [{ path: join(dir, 'a.png'), png: 'not base64 at all!' }, /not a PNG image/],
      [{ path: 'rel.svg', svg }, /full path/],
      [{ path: join(dir, 'a.svg'), svg: 'x'.repeat(3_000_001) }, /at most/],
    ];
    for (const [args, msg] of bad) {
      const r = await web.invoke('chart:export', args);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(msg);
    }
    expect(existsSync(join(dir, 'a.svg'))).toBe(false);
    expect(existsSync(join(dir, 'a.png'))).toBe(false);
    expect(existsSync(join(dir, 'a.pdf'))).toBe(false);
  });

  it('Electron: only a path chosen in the chart save dialog', async () => {
    const other = join(dir, 'other.svg');
    const refused = await electron.invoke('chart:export', { path: other, svg });
    expect(refused.ok === false && refused.error.message).toMatch(/not chosen in a file dialog/);
    picked = join(dir, 'chosen.svg');
    expect(await electron.call('dialog:pick', { purpose: 'chart' })).toEqual({ path: picked });
    expect((await electron.call('chart:export', { path: picked, svg })).path).toBe(picked);
    expect(existsSync(other)).toBe(false);
  });
});
