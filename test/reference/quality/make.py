# Reference values for export product quality (Khandelwal-Schott-Wei 2013) and its firm-year
# aggregation, computed independently with numpy: explicit dummy matrices and least squares.
# Run from the repository root:  /usr/bin/python3 test/reference/quality/make.py
# Writes transactions.csv, sigmas.csv and expected.json next to this script; tests read those.
#
# Synthetic customs-style transactions (deterministic RNG): firm x HS6 product x destination x year,
# with value and quantity. Hard cases built in: a transaction with value 0 and one with missing
# quantity (left out), a product exported once (a singleton: its residual is 0 by construction and
# it is dropped), and a destination-year with one transaction that becomes a singleton.
# Cases:
#   fixed:     sigma = 5 for all, one pooled regression  ln q + sigma ln p ~ product FE + dest x year FE
#   by_hs2:    sigma per HS2 from sigmas.csv, separate regressions by HS2
# quality_raw = resid / (sigma - 1); quality = min-max within product over the rows in the regression;
# firm-year quality = export-value weighted mean of quality (Stata: collapse (mean) q [aw=value]).
import csv, json, math, os
import numpy as np

d = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240607)
products = [610910, 610920, 611020, 620342, 847130, 847150, 851712, 852872]
hs2 = {p: p // 10000 for p in products}
dests = ["USA", "JPN", "DEU", "KOR", "GBR", "AUS"]
years = [2015, 2016, 2017]
firm_q = {f: rng.normal(0, 0.5) for f in range(1, 31)}
rows = []
for f in range(1, 31):
    for p in rng.choice(products, size=3, replace=False):
        for y in years:
            for c in rng.choice(dests, size=2, replace=False):
                if rng.random() < 0.15:
                    continue
                price = math.exp(rng.normal(1.0 + 0.3 * firm_q[f], 0.4))
                qty = math.exp(rng.normal(6 + firm_q[f], 1.0))
                rows.append(dict(firm=f, product=int(p), hs2=hs2[int(p)], dest=str(c), year=y, value=round(price * qty, 2), quantity=round(qty, 3)))
# hard cases
rows[3]["value"] = 0.0
rows[7]["quantity"] = None
rows.append(dict(firm=31, product=940350, hs2=94, dest="USA", year=2016, value=1234.5, quantity=100.0))  # product singleton
rows.append(dict(firm=32, product=610910, hs2=61, dest="BRA", year=2017, value=500.0, quantity=20.0))   # dest-year singleton
fields = ["firm", "product", "hs2", "dest", "year", "value", "quantity"]
with open(os.path.join(d, "transactions.csv"), "w", newline="") as fh:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(fields)
    for r in rows:
        w.writerow(["" if r[k] is None else (repr(r[k]) if isinstance(r[k], float) else r[k]) for k in fields])
sigmas = {61: 4.0, 62: 6.5, 84: 3.2, 85: 8.0, 94: 5.5}
with open(os.path.join(d, "sigmas.csv"), "w", newline="") as fh:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["hs2", "sigma"])
    for k, v in sigmas.items():
        w.writerow([k, repr(v)])

# re-read exactly what the app reads
with open(os.path.join(d, "transactions.csv")) as fh:
    data = list(csv.DictReader(fh))
N = len(data)
num = lambda s: float(s) if s != "" else float("nan")
value = np.array([num(r["value"]) for r in data])
qty = np.array([num(r["quantity"]) for r in data])

def singletons(keys_list, use):
    """Iteratively drop rows alone in a level of any key (independent of the engine's method)."""
    use = use.copy()
    while True:
        changed = False
        for keys in keys_list:
            counts = {}
            for i in np.flatnonzero(use):
                counts[keys[i]] = counts.get(keys[i], 0) + 1
            for i in np.flatnonzero(use):
                if counts[keys[i]] == 1:
                    use[i] = False
                    changed = True
        if not changed:
            return use

def quality(sigma, separate):
    ok = (value > 0) & (qty > 0) & np.isfinite(value) & np.isfinite(qty) & np.isfinite(sigma)
    prod = [r["product"] for r in data]
    dy = [(r["dest"], r["year"]) for r in data]
    grp = [r["hs2"] if separate else "" for r in data]
    kp = [(g, k) for g, k in zip(grp, prod)]
    kdy = [(g,) + k for g, k in zip(grp, dy)]
    use = singletons([kp, kdy], ok)
    raw = np.full(N, np.nan)
    for g in sorted(set(grp[i] for i in np.flatnonzero(use))):
        idx = [i for i in np.flatnonzero(use) if grp[i] == g]
        y = np.array([math.log(qty[i]) + sigma[i] * math.log(value[i] / qty[i]) for i in idx])
        lp = sorted(set(kp[i] for i in idx)); ld = sorted(set(kdy[i] for i in idx))
        X = np.zeros((len(idx), len(lp) + len(ld)))
        for r, i in enumerate(idx):
            X[r, lp.index(kp[i])] = 1.0
            X[r, len(lp) + ld.index(kdy[i])] = 1.0
        beta, *_ = np.linalg.lstsq(X, y, rcond=None)
        e = y - X @ beta
        for r, i in enumerate(idx):
            raw[i] = e[r] / (sigma[i] - 1)
    q = np.full(N, np.nan)
    for p in set(prod):
        idx = [i for i in range(N) if prod[i] == p and use[i]]
        if not idx:
            continue
        lo = min(raw[i] for i in idx); hi = max(raw[i] for i in idx)
        for i in idx:
            q[i] = (raw[i] - lo) / (hi - lo) if hi > lo else float("nan")
    # firm-year value-weighted mean (collapse (mean) q [aw = value], by(firm year)); rows with q missing are skipped
    agg = {}
    for i in range(N):
        if math.isnan(q[i]) or math.isnan(value[i]):
            continue
        k = (int(data[i]["firm"]), int(data[i]["year"]))
        s = agg.setdefault(k, [0.0, 0.0])
        s[0] += value[i] * q[i]; s[1] += value[i]
    fy = [dict(firm=k[0], year=k[1], quality=(s[0] / s[1] if s[1] > 0 else None)) for k, s in sorted(agg.items())]
    return raw, q, int(use.sum()), fy

def js(a):
    return [None if (isinstance(x, float) and math.isnan(x)) else float(x) for x in a]

fixed = np.full(N, 5.0)
by_sigma = np.array([sigmas.get(int(r["hs2"]), float("nan")) for r in data])
out = {"source": f"numpy {np.__version__} lstsq on explicit dummies", "nrows": N, "sigmas": {str(k): v for k, v in sigmas.items()}, "cases": {}}
for name, sig, sep in [("fixed", fixed, False), ("by_hs2", by_sigma, True)]:
    raw, q, nobs, fy = quality(sig, sep)
    out["cases"][name] = {"nobs": nobs, "quality_raw": js(raw), "quality": js(q), "firm_year": fy}
with open(os.path.join(d, "expected.json"), "w") as fh:
    json.dump(out, fh, indent=1)
print("wrote", os.path.join(d, "expected.json"), N, "rows;", {k: v["nobs"] for k, v in out["cases"].items()})
