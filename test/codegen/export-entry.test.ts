// The two ways in to code export: the IPC channel project:exportCode (paths from the dialog only,
// in Electron mode) and the CLI verb `panel-studio code` (needs `npm run build:node`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppController } from '../../src/main/controller.js';
import { JobHost } from '../../src/main/job-host.js';
import { tempDir } from '../helpers.js';
import { buildProject } from './fixture.js';

const noWorker = () => {
  throw new Error('no worker in this test');
};

describe('code export entry points', () => {
  let dir: string;
  let project: string;

  beforeAll(async () => {
    dir = tempDir('ps-codegen-entry-');
    const store = await buildProject(dir);
    project = store.path;
    store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('project:exportCode writes the script, appends the extension, and refuses a mismatched one', async () => {
    const controller = new AppController({ mode: 'web', version: 'test', home: join(dir, 'home'), jobs: new JobHost(noWorker), emit: () => {} });
    try {
      await controller.call('project:open', { path: project });
      const r = await controller.call('project:exportCode', { lang: 'r', path: join(dir, 'out', '..', 'rep') });
      expect(r.path).toBe(join(dir, 'rep.R'));
      expect(r.lines).toBeGreaterThan(50);
      expect(readFileSync(r.path, 'utf8')).toMatch(/^# Project "replication": replication script written by Panel Studio test\n/);
      const bad = await controller.invoke('project:exportCode', { lang: 'stata', path: join(dir, 'rep.R') });
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.error.message).toMatch(/\.do file name/);
    } finally {
      controller.dispose();
    }
  });

  it('project:exportCode writes only where the dialog pointed (Electron mode)', async () => {
    const controller = new AppController({ mode: 'electron', version: 'test', home: join(dir, 'home2'), jobs: new JobHost(noWorker), emit: () => {}, pick: async () => join(dir, 'chosen.do') });
    try {
      controller.approve(project);
      await controller.call('project:open', { path: project });
      const refused = await controller.invoke('project:exportCode', { lang: 'stata', path: join(dir, 'elsewhere.do') });
      expect(refused.ok).toBe(false);
      expect(existsSync(join(dir, 'elsewhere.do'))).toBe(false);
      const picked = await controller.call('dialog:pick', { purpose: 'code' });
      const r = await controller.call('project:exportCode', { lang: 'stata', path: picked?.path ?? '' });
      expect(readFileSync(r.path, 'utf8')).toContain('reghdfe y ln_sales capital_w kl_dev, absorb(firm industry#year) vce(cluster firm)');
    } finally {
      controller.dispose();
    }
  });

  const BIN = resolve('bin/panel-studio.mjs');
  it.skipIf(!existsSync(resolve('out/node/cli.js')))('panel-studio code writes the same text as the generator (run npm run build:node first)', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
    const ok = run('code', '--project', project, '--lang', 'stata', '--out', join(dir, 'cli.do'));
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ lang: 'stata', out: join(dir, 'cli.do') });
    expect(readFileSync(join(dir, 'cli.do'), 'utf8')).toBe(readFileSync(resolve('test/codegen/golden/replication.do'), 'utf8'));
    const byExt = run('code', '--project', project, '--out', join(dir, 'cli.R'));
    expect(byExt.status).toBe(0);
    expect(readFileSync(join(dir, 'cli.R'), 'utf8')).toBe(readFileSync(resolve('test/codegen/golden/replication.R'), 'utf8'));
    const bad = run('code', '--project', project, '--lang', 'python', '--out', join(dir, 'x.py'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^panel-studio: --lang must be stata or r/);
  });
});
