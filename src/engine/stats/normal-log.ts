// ln Φ(z) and the inverse Mills ratio φ(z)/Φ(z) for likelihood loops (stochastic frontier, probit),
// without allocation and without underflow far into the lower tail.
// Method: W. J. Cody's rational Chebyshev approximations of the normal distribution function
// (ACM TOMS Algorithm 715, ANORM; "at least 18 significant digits" in exact arithmetic, so full
// double precision here). Cody writes the tail as Φ(−y) = exp(−y²/2)·R(y) for y > 0.66291; keeping
// R(y) apart from the exponential gives ln Φ(−y) = −y²/2 + ln R(y) and the Mills ratio
// φ(−y)/Φ(−y) = (1/√(2π))/R(y) with no exp() that could underflow (z = −60 is fine). Near zero
// Φ = ½ + z·P(z²)/Q(z²); in the upper tail ln Φ(z) = log1p(−Φ(−z)).
// The incomplete-gamma erfc in distributions.ts stays for p-values; this is ~20× faster.

const A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const C = [0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711, 6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8];
const D = [22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091, 34900.952721145977266, 38912.003286093271411, 19685.429676859990727];
const P = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303];
const Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];
const INV_SQRT_2PI = 0.3989422804014327;
const THRESHOLD = 0.66291;
const ROOT32 = 5.656854248;

/** R(y) with Φ(−y) = exp(−y²/2)·R(y), for y > 0.66291. */
function tailFactor(y: number): number {
  if (y <= ROOT32) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    return (num + C[7]) / (den + D[7]);
  }
  const s = 1 / (y * y);
  let num = P[5] * s;
  let den = s;
  for (let i = 0; i < 4; i++) {
    num = (num + P[i]) * s;
    den = (den + Q[i]) * s;
  }
  const r = (s * (num + P[4])) / (den + Q[4]);
  return (INV_SQRT_2PI - r) / y;
}

/** The Mills ratio φ(z)/Φ(z) of the last normLogCdf call (a module slot: no allocation per row). */
export let lastMills = 0;

/** ln Φ(z); sets `lastMills` = φ(z)/Φ(z). NaN in, NaN out. */
export function normLogCdf(z: number): number {
  const y = Math.abs(z);
  if (y <= THRESHOLD) {
    const s = y > 1.1e-16 ? z * z : 0;
    let num = A[4] * s;
    let den = s;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]) * s;
      den = (den + B[i]) * s;
    }
    const p = 0.5 + (z * (num + A[3])) / (den + B[3]);
    lastMills = (INV_SQRT_2PI * Math.exp(-0.5 * z * z)) / p;
    return Math.log(p);
  }
  const r = tailFactor(y);
  if (z < 0) {
    lastMills = INV_SQRT_2PI / r;
    return -0.5 * y * y + Math.log(r);
  }
  if (!(z < Infinity)) {
    lastMills = 0;
    return z > 0 ? 0 : Number.NaN;
  }
  const e = Math.exp(-0.5 * y * y);
  const q = e * r; // Φ(−z)
  lastMills = (INV_SQRT_2PI * e) / (1 - q);
  return Math.log1p(-q);
}

/** ln Φ(z) and the inverse Mills ratio φ(z)/Φ(z) as one value (probit's and SFA's likelihoods). */
export function logCdfAndMills(z: number): { logCdf: number; mills: number } {
  const logCdf = normLogCdf(z);
  return { logCdf, mills: lastMills };
}

/** Φ(z) by the same approximation (full relative precision in the lower tail). */
export function normCdf(z: number): number {
  const y = Math.abs(z);
  if (y <= THRESHOLD) return Math.exp(normLogCdf(z));
  const tail = Math.exp(-0.5 * y * y) * tailFactor(y);
  return z < 0 ? tail : 1 - tail;
}
