// Sandwich helper shared by the robust and cluster estimators: V = factor · A M Aᵀ, with A = R⁻¹
// and M the meat computed on the orthonormal basis Q (see models/linear-fit.ts and meat.ts for why).

export function sandwich(A: Float64Array, M: Float64Array, k: number, factor: number): Float64Array {
  const AM = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let m = 0; m < k; m++) s += A[i * k + m] * M[m * k + j];
      AM[i * k + j] = s;
    }
  const V = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = i; j < k; j++) {
      let s = 0;
      for (let m = 0; m < k; m++) s += AM[i * k + m] * A[j * k + m];
      V[i * k + j] = s * factor;
      V[j * k + i] = s * factor;
    }
  return V;
}
