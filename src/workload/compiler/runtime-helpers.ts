/**
 * The runtime helpers: JavaScript placed at the top of every generated
 * program, which its code calls for checked reads, slot and word bounds,
 * sizes, integer arithmetic and random numbers.
 *
 * Small and monomorphic so V8 inlines them; every failure path goes to `rt`,
 * which throws with the site's path.
 */
export const RUNTIME_HELPERS = `
function deref(a, s, n) { if (a > 0) return a; return rt.badRef(a, s, n); }
function chkR(a, s, n) { if (a >= 0) return a; return rt.unset(s, n); }
function chkI(v, s, n) { if (v === v) return v; return rt.unset(s, n); }
function slot(o, k, s) { if (k >= 0 && k < (mem[o >> 2] & ${0xffffff})) return k; return rt.badSlot(o, k, s); }
function word(o, k, s) {
  const w = o >> 2;
  if (k >= 0 && 4 * k + 4 <= mem[w + 1]) return w + 2 + 2 * (mem[w] & ${0xffffff}) + k;
  return rt.badWord(o, k, s);
}
function size(v, max, s) { if (v >= 0 && v <= max) return v; return rt.badSize(v, max, s); }
function i32(v, s) { if (v >= -2147483648 && v <= 2147483647) return v; return rt.fail("value " + v + " does not fit a 32-bit payload word", s); }
function idiv(a, b, s) { if (b === 0) rt.fail("division by zero", s); return Math.trunc(a / b); }
function imod(a, b, s) { if (b === 0) rt.fail("division by zero", s); return a % b; }
function ipow(a, b, s) { if (b < 0) rt.fail("negative exponent " + b, s); return a ** b; }
function rand(n, s) { if (n >= 1 && n <= 4294967296) return rng.below(n); return rt.fail("rand(n) needs 1 <= n <= 2^32, got " + n, s); }
function randint(lo, hi, s) { if (hi >= lo && hi - lo < 4294967296) return lo + rng.below(hi - lo + 1); return rt.fail("randint(lo, hi) needs lo <= hi, got " + lo + ", " + hi, s); }
`;
