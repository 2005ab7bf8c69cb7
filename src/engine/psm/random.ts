// Seeded random order for matching (psmatch2 asks the user to sort the data randomly before
// matching; we draw the order from the spec's seed so that the same spec gives the same matches).
// mulberry32: a small, fast 32-bit generator; also drives the example generators (src/store/examples).

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** rank[i] = position of row i in a seeded random permutation of 0..n−1 (Fisher–Yates). */
export function randomRanks(n: number, seed: number): Int32Array {
  const u = mulberry32(seed);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const rank = new Int32Array(n);
  for (let p = 0; p < n; p++) rank[perm[p]] = p;
  return rank;
}
