"""Polynomials over named sizes with rational coefficients: the symbolic
numbers derive.py counts with, and their lmp formula text."""
from fractions import Fraction


class Poly:
    """sum of coefficient * product of symbols; terms: {monomial: Fraction},
    a monomial a sorted tuple of (symbol, exponent)."""

    def __init__(self, terms=None):
        self.terms = {m: c for m, c in (terms or {}).items() if c != 0}

    @staticmethod
    def const(c):
        return Poly({(): Fraction(c)})

    @staticmethod
    def sym(name):
        return Poly({((name, 1),): Fraction(1)})

    @staticmethod
    def lift(x):
        if isinstance(x, Poly):
            return x
        if isinstance(x, (int, Fraction)) and not isinstance(x, bool):
            return Poly.const(x)
        raise TypeError(f"cannot count symbolically with {x!r}")

    def __add__(self, other):
        other = Poly.lift(other)
        terms = dict(self.terms)
        for m, c in other.terms.items():
            terms[m] = terms.get(m, 0) + c
        return Poly(terms)

    __radd__ = __add__

    def __neg__(self):
        return Poly({m: -c for m, c in self.terms.items()})

    def __sub__(self, other):
        return self + (-Poly.lift(other))

    def __rsub__(self, other):
        return Poly.lift(other) - self

    def __mul__(self, other):
        other = Poly.lift(other)
        terms = {}
        for m1, c1 in self.terms.items():
            for m2, c2 in other.terms.items():
                m = _mono_mul(m1, m2)
                terms[m] = terms.get(m, 0) + c1 * c2
        return Poly(terms)

    __rmul__ = __mul__

    def __floordiv__(self, other):
        # Only exact division by a monomial: rows = numel // width.
        other = Poly.lift(other)
        if len(other.terms) != 1:
            raise TypeError("division by a sum of sizes")
        (m2, c2), = other.terms.items()
        terms = {}
        for m1, c1 in self.terms.items():
            terms[_mono_div(m1, m2)] = c1 / c2
        return Poly(terms)

    __truediv__ = __floordiv__

    def __eq__(self, other):
        try:
            return self.terms == Poly.lift(other).terms
        except TypeError:
            return False

    def __hash__(self):
        return hash(tuple(sorted(self.terms.items())))

    def __bool__(self):
        return bool(self.terms)

    def __int__(self):
        if set(self.terms) - {()}:
            raise TypeError("not a constant")
        return int(self.terms.get((), 0))

    def evaluate(self, values):
        total = Fraction(0)
        for m, c in self.terms.items():
            v = c
            for name, e in m:
                v *= Fraction(values[name]) ** e
            total += v
        return total

    def by_power(self, name):
        """{exponent of `name`: the coefficient polynomial without it}."""
        out = {}
        for m, c in self.terms.items():
            e = dict(m).get(name, 0)
            rest = tuple((n, x) for n, x in m if n != name)
            out[e] = out.get(e, Poly()) + Poly({rest: c})
        return out

    def symbols(self):
        return {name for m in self.terms for name, _ in m}

    def formula(self):
        """lmp formula text: '2 * {a} * {b} + {c} / 2'. A fraction is written
        as a division at the end of its term, so it stays exact where the
        traced sizes made it whole."""
        if not self.terms:
            return "0"
        parts = []
        for m, c in sorted(self.terms.items(), key=lambda mc: (-len(mc[0]), mc[0])):
            sign = "-" if c < 0 else "+"
            c = abs(c)
            factors = []
            if c.numerator != 1 or not m:
                factors.append(str(c.numerator))
            for name, e in m:
                factors.extend([f"{{{name}}}"] * e)
            text = " * ".join(factors)
            if c.denominator != 1:
                text += f" / {c.denominator}"
            parts.append((sign, text))
        out = ("-" if parts[0][0] == "-" else "") + parts[0][1]
        for sign, text in parts[1:]:
            out += f" {sign} {text}"
        return out

    def __repr__(self):
        return f"Poly({self.formula()})"


def _mono_mul(a, b):
    d = dict(a)
    for name, e in b:
        d[name] = d.get(name, 0) + e
    return tuple(sorted((n, e) for n, e in d.items() if e))


def _mono_div(a, b):
    d = dict(a)
    for name, e in b:
        d[name] = d.get(name, 0) - e
        if d[name] < 0:
            raise TypeError("division leaves a negative power")
    return tuple(sorted((n, e) for n, e in d.items() if e))
