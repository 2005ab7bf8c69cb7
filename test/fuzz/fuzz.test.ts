// Bad-input campaign (issue 12): thousands of mutated inputs per reader, built from the real
// fixtures. Property: a correct import, or an AppError whose message names the file and the defect;
// never another exception, a hang or memory out of proportion to the input. See docs/reliability.md.
//
//   FUZZ_CASES=20000 npx vitest run test/fuzz/fuzz.test.ts     a longer campaign (cases per target)
//   FUZZ_SEED=7 ...                                             another seed (the default is fixed)
//   FUZZ_SEED=… FUZZ_ONLY=123 npx vitest run test/fuzz -t csv   one case again
import { describe, expect, it } from 'vitest';
import { bundleWorker, campaign, caseCount, report } from './harness.js';

/** Default cases per target: together about half a minute on two shared cores. */
const DEFAULTS: Record<string, number> = { csv: 1000, xlsx: 1500, dta: 3000, expr: 4000 };

const timeout = (cases: number): number => 60_000 + cases * 50;

describe('fuzz: bad input never escapes as anything but a clear AppError', () => {
  for (const [target, n] of Object.entries(DEFAULTS)) {
    const cases = caseCount(n);
    it(
      target,
      async () => {
        await bundleWorker();
        const r = await campaign(target, cases);
        const text = report(r);
        console.log(text);
        expect(r.hangs.length + r.failures.length, text).toBe(0);
      },
      timeout(cases),
    );
  }
});
