# Reference values for export sophistication (Hausmann, Hwang & Rodrik 2007), computed
# independently with numpy on a synthetic country x product x year world table and firm exports.
# Run from the repository root:  /usr/bin/python3 test/reference/sophistication/make.py
# Writes world.csv, firms.csv and expected.json next to this script.
#   PRODY_kt = sum_c [(x_ckt / X_ct) / sum_c' (x_c'kt / X_c't)] * Y_ct      (matrix form below)
#   EXPY_ft  = sum_k (x_fkt / X_ft) * PRODY_kt, X_ft over the firm's products that have a PRODY
# Hard cases: a country that does not export one product (zero row absent), a firm product missing
# from the world table (left out of the shares), a firm whose only product is unmatched (EXPY missing),
# and a firm with two rows of one product (two destinations; summed).
import csv, json, math, os
import numpy as np

d = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)
countries = ["CHN", "USA", "DEU", "VNM", "IND", "JPN", "MEX"]
products = ["8471", "8517", "6109", "6403", "9403", "3004"]
years = [2016, 2017]
gdp = {(c, t): float(round(math.exp(rng.normal(9.5, 1.0)), 2)) for c in countries for t in years}
world = []
for t in years:
    for c in countries:
        for k in products:
            if c == "VNM" and k == "3004":
                continue  # no exports: no row
            world.append(dict(country=c, hs=k, year=t, exports=float(round(math.exp(rng.normal(7, 1.5)), 1)), gdppc=gdp[(c, t)]))
firms = []
for f in range(1, 9):
    for t in years:
        for k in rng.choice(products, size=3, replace=False):
            firms.append(dict(firm=f, year=t, hs=str(k), value=float(round(math.exp(rng.normal(5, 1)), 2))))
firms.append(dict(firm=3, year=2016, hs="9999", value=250.0))   # not in the world table
firms.append(dict(firm=9, year=2017, hs="9999", value=80.0))    # only unmatched: EXPY missing
firms.append(dict(firm=2, year=2017, hs="8471", value=40.0))    # a second row of one product

def write(name, rows, fields):
    with open(os.path.join(d, name), "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(fields)
        for r in rows:
            w.writerow([repr(r[k]) if isinstance(r[k], float) else r[k] for k in fields])
write("world.csv", world, ["country", "hs", "year", "exports", "gdppc"])
write("firms.csv", firms, ["firm", "year", "hs", "value"])

with open(os.path.join(d, "world.csv")) as fh:
    W = list(csv.DictReader(fh))
with open(os.path.join(d, "firms.csv")) as fh:
    F = list(csv.DictReader(fh))

prody = {}
for t in years:
    x = np.zeros((len(countries), len(products)))
    Y = np.zeros(len(countries))
    for r in W:
        if int(r["year"]) != t:
            continue
        i = countries.index(r["country"]); j = products.index(r["hs"])
        x[i, j] += float(r["exports"]); Y[i] = float(r["gdppc"])
    share = x / x.sum(axis=1, keepdims=True)           # x_ck / X_c
    rca_w = share / share.sum(axis=0, keepdims=True)  # normalised over countries
    p = rca_w.T @ Y
    for j, k in enumerate(products):
        prody[(t, k)] = float(p[j])

expy = {}
for r in F:
    key = (int(r["firm"]), int(r["year"]))
    s = expy.setdefault(key, [0.0, 0.0])
    pk = prody.get((int(r["year"]), r["hs"]))
    if pk is None:
        continue
    s[0] += float(r["value"]) * pk; s[1] += float(r["value"])
rows_prody = [prody.get((int(r["year"]), r["hs"])) for r in F]
rows_expy = [(expy[(int(r["firm"]), int(r["year"]))][0] / expy[(int(r["firm"]), int(r["year"]))][1]) if expy[(int(r["firm"]), int(r["year"]))][1] > 0 else None for r in F]
out = {
    "source": f"numpy {np.__version__}",
    "prody": {f"{t}:{k}": v for (t, k), v in sorted(prody.items())},
    "rows": {"prody": rows_prody, "expy": rows_expy},
    "firm_year": [dict(firm=k[0], year=k[1], expy=(s[0] / s[1] if s[1] > 0 else None)) for k, s in sorted(expy.items())],
}
with open(os.path.join(d, "expected.json"), "w") as fh:
    json.dump(out, fh, indent=1)
print("wrote", len(W), "world rows,", len(F), "firm rows")
