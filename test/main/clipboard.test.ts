// clipboard:write — "Copy for Word" in Electron. The handler logic is a plain module (src/main/
// clipboard.ts): given a writer (index.ts passes Electron's clipboard.write of one ClipboardItem) it
// checks the flavours and writes HTML, RTF and text together under their MIME types; browser mode
// (no writer) refuses, because the page copies there itself. Through the controller, the channel
// validates its argument like every other one.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIPBOARD_MIME, writeClipboard } from '../../src/main/clipboard.js';
import { AppController } from '../../src/main/controller.js';
import { JobHost, nodeWorkerSpawner } from '../../src/main/job-host.js';
import { tableClipboard } from '../../src/shared/table-clipboard.js';
import { tempDir } from '../helpers.js';
import { ZH } from '../store/table-fixtures.js';

describe('writeClipboard', () => {
  const clip = tableClipboard(ZH, { title: '表 2', lang: 'zh' });

  it('writes the three flavours of a table as one item: text/html, text/rtf, text/plain', async () => {
    const writes: Record<string, string>[] = [];
    const out = await writeClipboard((items) => void writes.push(items), clip);
    expect(out).toEqual({ formats: ['html', 'rtf', 'text'] });
    expect(writes).toHaveLength(1);
    expect(Object.keys(writes[0]!)).toEqual(['text/html', 'text/rtf', 'text/plain']);
    expect(writes[0]!['text/rtf']).toBe(clip.rtf);
    expect(writes[0]!['text/rtf']!.startsWith('{\\rtf1')).toBe(true);
    expect(writes[0]!['text/html']).toContain('<table');
    expect(writes[0]!['text/plain']!.split('\n')[0]).toBe('表 2');
    expect(CLIPBOARD_MIME).toEqual({ html: 'text/html', rtf: 'text/rtf', text: 'text/plain' });
  });

  it('leaves out empty flavours and waits for an asynchronous writer', async () => {
    let done = false;
    const out = await writeClipboard(async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      expect(Object.keys(items)).toEqual(['text/plain']);
      done = true;
    }, { html: '', rtf: '', text: 'a\tb\n' });
    expect(done).toBe(true);
    expect(out.formats).toEqual(['text']);
  });

  it('refuses browser mode, an empty text flavour, RTF that is not RTF, HTML without a table; a failing writer is reported', async () => {
    const ok = (items: Record<string, string>) => void items;
    await expect(writeClipboard(undefined, clip)).rejects.toThrow(/browser mode/);
    await expect(writeClipboard(ok, { ...clip, text: '  ' })).rejects.toThrow(/text flavour is empty/);
    await expect(writeClipboard(ok, { ...clip, rtf: '<b>not rtf</b>' })).rejects.toThrow(/not an RTF document/);
    await expect(writeClipboard(ok, { ...clip, html: 'just words' })).rejects.toThrow(/holds no table/);
    await expect(
      writeClipboard(() => {
        throw new Error('clipboard busy');
      }, clip),
    ).rejects.toThrow('the system clipboard refused the table: clipboard busy');
  });
});

describe('clipboard:write through the controller', () => {
  const make = (clipboard?: (items: Record<string, string>) => void) =>
    new AppController({ mode: clipboard ? 'electron' : 'web', version: 'test', home: tempDir('ps-home-'), jobs: new JobHost(nodeWorkerSpawner(resolve('out/node/worker.js'))), emit: () => {}, ...(clipboard ? { clipboard } : {}) });

  it('Electron: writes what the renderer built; browser mode: refused with the reason', async () => {
    const writes: Record<string, string>[] = [];
    const electron = make((items) => void writes.push(items));
    const web = make();
    try {
      const clip = tableClipboard(ZH, { lang: 'zh' });
      expect(await electron.call('clipboard:write', clip)).toEqual({ formats: ['html', 'rtf', 'text'] });
      expect(writes[0]!['text/rtf']).toBe(clip.rtf);
      const r = await web.invoke('clipboard:write', clip);
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/browser mode/) } });
      // the schema: all three flavours, text only, bounded
      expect(await electron.invoke('clipboard:write', { html: '<table></table>', text: 'x' })).toMatchObject({ ok: false, error: { message: 'clipboard:write.rtf: expected text, got undefined' } });
      expect(await electron.invoke('clipboard:write', { ...clip, image: 'x' })).toMatchObject({ ok: false, error: { message: 'clipboard:write.image: unknown field' } });
      expect(await electron.invoke('clipboard:write', { ...clip, rtf: 7 })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      expect(writes).toHaveLength(1);
    } finally {
      electron.dispose();
      web.dispose();
    }
  });
});
