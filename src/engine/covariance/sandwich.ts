// Sandwich helpers shared by the robust and cluster estimators: B M B with B = (X'X)^{-1}.

/** B M B for k×k row-major matrices. */
export function sandwich(B: Float64Array, M: Float64Array, k: number, factor: number): Float64Array {
  const BM = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let m = 0; m < k; m++) s += B[i * k + m] * M[m * k + j];
      BM[i * k + j] = s;
    }
  const V = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = i; j < k; j++) {
      let s = 0;
      for (let m = 0; m < k; m++) s += BM[i * k + m] * B[m * k + j];
      V[i * k + j] = s * factor;
      V[j * k + i] = s * factor;
    }
  return V;
}
