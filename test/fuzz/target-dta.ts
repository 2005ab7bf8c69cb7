// Stata .dta reader under mutated files built from test/fixtures/dta (formats 113–119, both byte
// orders, strLs, value labels). Besides blind byte mutations, the header fields that size
// everything else (release, byte order, K, N, label lengths, characteristic lengths, GSO headers,
// value-label table lengths, strL cells) are overwritten with absurd values.
import { Buffer } from 'node:buffer';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDta } from '../../src/store/import/dta.js';
import { INTERESTING_U32, mutateBytes, offsetsOf, writeInt } from './mutate.js';
import { type FuzzInput, type Target, Violation, checkAppError, checkTable } from './property.js';
import type { Rng } from './prng.js';

const corpus: Buffer[] = [];

const TAGS = [
  '<stata_dta>', '<header>', '<release>', '</release>', '<byteorder>', '<K>', '<N>', '<label>', '<timestamp>', '</header>', '<map>',
  '<variable_types>', '<varnames>', '<sortlist>', '<formats>', '<value_label_names>', '<variable_labels>', '<characteristics>', '<ch>',
  '</characteristics>', '<data>', '</data>', '<strls>', 'GSO', '</strls>', '<value_labels>', '<lbl>', '</lbl>', '</value_labels>', '</stata_dta>',
];

/** Absurd values for counts, lengths and offsets (besides INTERESTING_U32). */
const HUGE = [2 ** 31, 2 ** 32 - 1, 2 ** 40, 2 ** 52, 2 ** 53 - 1, 2 ** 53 + 2, 2 ** 63, 1e6, 65535, 32768, 0];

function isLe(b: Buffer): boolean {
  if (b.indexOf('<stata_dta>', 0, 'latin1') === 0) return b.indexOf('LSF', 0, 'latin1') >= 0;
  return b[1] === 2;
}

function fieldMutation(r: Rng, src: Buffer): { out: Buffer; how: string } {
  const b = Buffer.from(src);
  const le = isLe(b);
  const xml = b.indexOf('<stata_dta>', 0, 'latin1') === 0;
  if (!xml) {
    // 113–115: version byte, byte order, file type, K (u16 at 4), N (u32 at 6); type codes from 109
    const choice = r.int(6);
    if (choice === 0) b[0] = r.pick([101, 105, 110, 112, 113, 114, 115, 116, 117, 255]);
    else if (choice === 1) b[1] = r.pick([0, 1, 2, 3]);
    else if (choice === 2) writeInt(b, 4, r.pick([0, 1, 0x7fff, 0xffff, r.int(40)]), 2, le);
    else if (choice === 3) writeInt(b, 6, r.pick([...INTERESTING_U32, ...HUGE.filter((h) => h < 2 ** 32)]), 4, le);
    else if (choice === 4) b[109 + r.int(8)] = r.pick([0, 245, 250, 251, 255, 1, 244]);
    else {
      // a value-label table length (after the data: look for plausible label names)
      const p = r.int(b.length);
      writeInt(b, p, r.pick(HUGE), 4, le);
    }
    return { out: b, how: `oldHeaderField${choice}` };
  }
  const tag = r.pick(['<release>', '<byteorder>', '<K>', '<N>', '<label>', '<timestamp>', '<variable_types>', '<ch>', 'GSO', '<lbl>', '<data>', '<sortlist>']);
  const positions = offsetsOf(b, [tag], 64);
  if (positions.length === 0) return { out: b, how: `noTag(${tag})` };
  const p = r.pick(positions) + tag.length;
  if (tag === '<release>') b.write(r.pick(['116', '120', '121', '999', '1x7', '\0\0\0', '117', '118', '119']), p, 'latin1');
  else if (tag === '<byteorder>') b.write(r.pick(['LSF', 'MSF', 'XYZ', 'lsf']), p, 'latin1');
  else if (tag === '<N>') writeInt(b, p, r.pick(HUGE), r.pick([4, 8] as const), le);
  else if (tag === 'GSO') {
    // v (4), o (4 or 8), t (1), len (4): point the strL elsewhere or make it absurdly long
    const off = r.pick([0, 4, 8, 12, 13]);
    if (off === 12) b[p + 12] = r.pick([0, 128, 129, 130, 131, 255]);
    else writeInt(b, p + off, r.pick([...INTERESTING_U32, ...HUGE.filter((h) => h < 2 ** 32)]), 4, le);
  } else if (tag === '<data>') {
    // strL cells and other data bytes: point (v,o) to nowhere
    const q = p + r.int(64);
    writeInt(b, q, r.pick([...INTERESTING_U32, 2 ** 40]), r.pick([2, 4, 8] as const), le);
  } else writeInt(b, p, r.pick([...INTERESTING_U32, ...HUGE.filter((h) => h < 2 ** 32)]), r.pick([1, 2, 4] as const), le);
  return { out: b, how: `field(${tag})` };
}

export const dtaTarget: Target = {
  name: 'dta',
  setup(fixtures) {
    for (const sub of ['dta', 'dta/haven-tests']) {
      const dir = join(fixtures, sub);
      for (const f of readdirSync(dir).sort()) if (f.endsWith('.dta')) corpus.push(readFileSync(join(dir, f)));
    }
  },
  generate(r): FuzzInput {
    let b = r.pick(corpus);
    const how: string[] = [];
    if (r.chance(0.5)) {
      const m = fieldMutation(r, b);
      b = m.out;
      how.push(m.how);
    }
    if (r.chance(0.6) || how.length === 0) {
      const m = mutateBytes(r, b, offsetsOf(b, TAGS, 512).concat([0, 1, 2, 4, 6, 10, 109]));
      b = m.out;
      how.push(...m.how);
    }
    return { bytes: b, options: {}, how };
  },
  async run(input, dir) {
    const path = join(dir, 'fuzz.dta');
    writeFileSync(path, input.bytes);
    let table;
    try {
      table = await readDta(path);
    } catch (err) {
      checkAppError(err, 'fuzz.dta');
      return false;
    }
    checkTable(table);
    // Every row takes at least one byte per variable in the file: no import is larger than that.
    if (table.columns.length > 0 && table.nrows > input.bytes.length) throw new Violation(`${table.nrows} rows from ${input.bytes.length} bytes`);
    return true;
  },
};
