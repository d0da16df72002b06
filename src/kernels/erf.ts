/**
 * The error function in float64 (JavaScript has no Math.erf), for GELU. Two expansions, each used where it
 * converges fast and without cancellation:
 *  - |x| < 2.5: erf(x) = 2/√π · e^(−x²) · Σₙ (2x²)ⁿ·x / (1·3·…·(2n+1))  (every term positive);
 *  - |x| ≥ 2.5: erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …))))  (Laplace's continued fraction,
 *    evaluated by the modified Lentz method), so the tail keeps its relative precision.
 */
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const SERIES_LIMIT = 2.5;
const EPS = 1e-17;

/** erf(x) for 0 ≤ x < SERIES_LIMIT. */
function erfSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; term > EPS * sum; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
}

/** erfc(x) for x ≥ SERIES_LIMIT. */
function erfcContinuedFraction(x: number): number {
  if (x === Infinity) return 0;
  const tiny = 1e-300;
  let f = x;
  let c = f;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  const r = a < SERIES_LIMIT ? erfSeries(a) : 1 - erfcContinuedFraction(a);
  return Math.sign(x) * r; // odd, down to erf(−0) = −0
}

/** 1 − erf(x), accurate in the tail (x large and positive). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  return x < SERIES_LIMIT ? 1 - erfSeries(x) : erfcContinuedFraction(x);
}
