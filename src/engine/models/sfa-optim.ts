// Maximisation of a smooth log-likelihood with an analytic gradient: BFGS or Newton, both with a
// backtracking (Armijo) line search. The Hessian for Newton steps and for the covariance is the
// objective's own (analytic) when it offers one, else the central finite difference of the
// analytic gradient (P×P with P small: 2P gradient calls). Where −H is not positive definite
// (far from the maximum) the Newton step uses −H + τ·diag(|−H|) with the smallest τ = 10⁻⁶·10ᵏ
// that makes it so (Marquardt), as Stata's ml does for "not concave" iterations.
// Convergence (as Stata's ml, tighter): relative change of the log-likelihood below 1e-14 and the
// scaled gradient g'(−H)⁻¹g small, or in Newton steps the decrement g'(−H)⁻¹g below
// 1e-13·(1 + |ln L|) with the exact Hessian (the rounding noise of ln L); reported converged when g'(−H)⁻¹g < 1e-8 with the Hessian at the end. BFGS finishes with Newton steps for the last digits.
import { invertSpd } from '../linalg/small.js';

/** ln L at θ; fills `grad` and, when given, `hess` (the Hessian of ln L, row-major P×P). */
export type Objective = (theta: Float64Array, grad: Float64Array | null, hess?: Float64Array | null) => number;

export interface MaxResult {
  theta: Float64Array;
  loglik: number;
  gradient: Float64Array;
  /** −Hessian (observed information), row-major P×P. */
  information: Float64Array;
  iterations: number;
  converged: boolean;
  /** g'(−H)⁻¹g at the end (NaN when −H is not positive definite). */
  scaledGradient: number;
  message: string;
}

export function numericHessian(f: Objective, theta: Float64Array): Float64Array {
  const P = theta.length;
  const Hm = new Float64Array(P * P);
  const gp = new Float64Array(P);
  const gm = new Float64Array(P);
  const t = Float64Array.from(theta);
  for (let j = 0; j < P; j++) {
    const h = 1e-5 * Math.max(1, Math.abs(theta[j]));
    t[j] = theta[j] + h;
    f(t, gp);
    t[j] = theta[j] - h;
    f(t, gm);
    t[j] = theta[j];
    for (let i = 0; i < P; i++) Hm[i * P + j] = (gp[i] - gm[i]) / (2 * h);
  }
  for (let i = 0; i < P; i++)
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (Hm[i * P + j] + Hm[j * P + i]);
      Hm[i * P + j] = v;
      Hm[j * P + i] = v;
    }
  return Hm;
}

/** (M + τ·diag(|M|))⁻¹ for the smallest τ in 10⁻⁶, 10⁻⁵, … 10⁶ that makes it positive definite. */
function marquardt(M: Float64Array, P: number): Float64Array | null {
  for (let k = -6; k <= 6; k++) {
    const tau = 10 ** k;
    const R = Float64Array.from(M);
    for (let i = 0; i < P; i++) R[i * P + i] += tau * Math.max(Math.abs(M[i * P + i]), 1e-12);
    const inv = invertSpd(R, P);
    if (inv) return inv;
  }
  return null;
}

function negate(Hm: Float64Array): Float64Array {
  return Float64Array.from(Hm, (v) => -v);
}

function matVec(M: Float64Array, v: Float64Array): Float64Array {
  const P = v.length;
  const out = new Float64Array(P);
  for (let i = 0; i < P; i++) {
    let s = 0;
    for (let j = 0; j < P; j++) s += M[i * P + j] * v[j];
    out[i] = s;
  }
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Maximise f from `start` by 'bfgs' or 'newton'. Never throws on non-convergence: it reports. */
export function maximize(f: Objective, start: Float64Array, technique: 'bfgs' | 'newton', maxIter = 500, analyticHessian = false): MaxResult {
  const P = start.length;
  const hessianAt = (t: Float64Array): Float64Array => {
    if (!analyticHessian) return numericHessian(f, t);
    const Hm = new Float64Array(P * P);
    f(t, new Float64Array(P), Hm);
    return Hm;
  };
  let theta = Float64Array.from(start);
  let g = new Float64Array(P);
  // with an analytic Hessian, Newton iterations get it from the same pass as the gradient
  let Hcur: Float64Array | null = analyticHessian && technique === 'newton' ? new Float64Array(P * P) : null;
  let ll = f(theta, g, Hcur);
  if (!Number.isFinite(ll)) {
    return { theta, loglik: ll, gradient: g, information: new Float64Array(P * P), iterations: 0, converged: false, scaledGradient: Number.NaN, message: 'the log-likelihood is not finite at the starting values' };
  }
  // inverse of −Hessian approximation (BFGS) starts at a scaled identity
  let Hinv = new Float64Array(P * P);
  for (let i = 0; i < P; i++) Hinv[i * P + i] = 1 / Math.max(1, Math.sqrt(dot(g, g)));
  let iterations = 0;
  let converged = false;
  let message = '';
  let newtonMode = technique === 'newton';
  const trial = new Float64Array(P);
  const gNew = new Float64Array(P);
  const hNew = analyticHessian ? new Float64Array(P * P) : null;
  while (iterations < maxIter) {
    iterations++;
    let dir: Float64Array;
    if (newtonMode) {
      const info = negate(Hcur ?? hessianAt(theta));
      const exact = invertSpd(info, P);
      const inv = exact ?? marquardt(info, P) ?? Hinv;
      dir = matVec(inv, g);
      // Newton decrement g'(−H)⁻¹g with the true Hessian: ½ of it is the gain still to be had. Below
      // 1e-13·(1 + |ln L|) that gain is under the rounding noise of ln L itself (a sum over n
      // observations carries ≈ √n·ε·|ln L|: 5e-9 at 233,819 rows), where steps can no longer be
      // told apart and the loop would otherwise shrink them for ever; this is the maximum to
      // machine precision
      if (exact && dot(dir, g) < 1e-13 * (1 + Math.abs(ll))) break;
    } else dir = matVec(Hinv, g);
    let slope = dot(dir, g);
    if (!(slope > 0)) {
      // not an ascent direction: reset to the gradient
      Hinv = new Float64Array(P * P);
      for (let i = 0; i < P; i++) Hinv[i * P + i] = 1 / Math.max(1, Math.sqrt(dot(g, g)));
      dir = matVec(Hinv, g);
      slope = dot(dir, g);
    }
    let step = 1;
    let llNew = -Infinity;
    for (let half = 0; half < 60; half++) {
      for (let i = 0; i < P; i++) trial[i] = theta[i] + step * dir[i];
      llNew = f(trial, gNew, newtonMode ? hNew : null);
      if (Number.isFinite(llNew) && llNew >= ll + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(Number.isFinite(llNew) && llNew >= ll)) {
      // no step improves: at the optimum to machine precision, or stuck
      message = 'no step improves the log-likelihood';
      break;
    }
    const s = new Float64Array(P);
    const yv = new Float64Array(P);
    for (let i = 0; i < P; i++) {
      s[i] = trial[i] - theta[i];
      yv[i] = g[i] - gNew[i]; // change in −gradient
    }
    const change = llNew - ll;
    theta = Float64Array.from(trial);
    g = Float64Array.from(gNew);
    ll = llNew;
    Hcur = newtonMode && hNew ? Float64Array.from(hNew) : null;
    const sy = dot(s, yv);
    if (sy > 1e-300) {
      // BFGS update of the inverse of −H
      const Hy = matVec(Hinv, yv);
      const yHy = dot(yv, Hy);
      const next = new Float64Array(P * P);
      for (let i = 0; i < P; i++)
        for (let j = 0; j < P; j++) {
          next[i * P + j] = Hinv[i * P + j] + ((sy + yHy) * s[i] * s[j]) / (sy * sy) - (Hy[i] * s[j] + s[i] * Hy[j]) / sy;
        }
      Hinv = next;
    }
    const sg = dot(matVec(Hinv, g), g);
    if (change <= 1e-14 * (1 + Math.abs(ll)) && sg < 1e-10) {
      // BFGS: finish with Newton steps (quadratic convergence to the last digits)
      if (!newtonMode) {
        newtonMode = true;
        continue;
      }
      break;
    }
    if (newtonMode && sg < 1e-20) break;
  }
  const information = negate(Hcur && newtonMode ? Hcur : hessianAt(theta));
  const inv = invertSpd(information, P);
  const scaledGradient = inv ? dot(matVec(inv, g), g) : Number.NaN;
  converged = inv !== null && scaledGradient < 1e-8;
  if (!message || converged) message = converged ? 'converged' : inv ? `scaled gradient g'(−H)⁻¹g = ${scaledGradient.toExponential(2)} after ${iterations} iterations` : 'the Hessian is not negative definite at the last iterate';
  return { theta, loglik: ll, gradient: g, information, iterations, converged, scaledGradient, message };
}
