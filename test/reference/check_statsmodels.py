#!/usr/bin/python3
"""Independent cross-check of the R-generated expected.json files with Python statsmodels.

Run from the repository root with Debian's python (which has statsmodels/pandas):
    /usr/bin/python3 test/reference/check_statsmodels.py
Re-estimates the OLS and within (fixed-effects) models from each case's data.csv and
asserts agreement with expected.json. Not used by CI.
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm

ROOT = "test/reference"
failures = []
checked = 0


def load(case):
    d = pd.read_csv(os.path.join(ROOT, case, "data.csv"))
    e = json.load(open(os.path.join(ROOT, case, "expected.json")))
    return d, e


def close(got, want, rel, what):
    global checked
    checked += 1
    got = float(got)
    want = float(want)
    if not (abs(got - want) <= rel * max(abs(want), 1e-300)):
        failures.append(f"{what}: statsmodels {got!r} vs expected {want!r}")


def cmp_model(res, m, rel, what, scale=1.0, names=None):
    names = names or list(m["coefficients"].keys())
    params = res.params
    bse = np.sqrt(np.diag(res.cov_params()) * scale)
    bse = pd.Series(bse, index=params.index)
    for k in names:
        key = "const" if k == "(Intercept)" else k
        close(params[key], m["coefficients"][k]["estimate"], rel, f"{what} {k} b")
        close(bse[key], m["coefficients"][k]["std_error"], rel, f"{what} {k} se")


def ols_fit(d, y, x, cov=None, groups=None):
    X = sm.add_constant(d[x], has_constant="add")
    mod = sm.OLS(d[y], X)
    if cov is None:
        return mod.fit()
    if cov == "HC1":
        return mod.fit(cov_type="HC1")
    return mod.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)


def models_by_name(e):
    return {m["name"]: m for m in e["models"]}


# ---------------------------------------------------------------- ols_petersen
d, e = load("ols_petersen")
M = models_by_name(e)
cmp_model(ols_fit(d, "y", ["x"]), M["ols_iid"], 1e-10, "petersen iid")
cmp_model(ols_fit(d, "y", ["x"], "HC1"), M["ols_robust"], 1e-10, "petersen HC1")
cmp_model(ols_fit(d, "y", ["x"], "cl", pd.factorize(d["firm"])[0]), M["ols_cluster_firm"], 1e-10, "petersen cl firm")
cmp_model(ols_fit(d, "y", ["x"], "cl", pd.factorize(d["year"])[0]), M["ols_cluster_year"], 1e-10, "petersen cl year")
r = ols_fit(d, "y", ["x"])
close(r.llf, M["ols_iid"]["fit"]["loglik"], 1e-12, "petersen loglik")
close(r.fvalue, M["ols_iid"]["fit"]["f_stat"], 1e-10, "petersen F")
rc = ols_fit(d, "y", ["x"], "cl", pd.factorize(d["firm"])[0])
close(rc.fvalue, M["ols_cluster_firm"]["fit"]["f_stat"], 1e-10, "petersen cluster F")
close(rc.f_pvalue, M["ols_cluster_firm"]["fit"]["f_p_value"], 1e-8, "petersen cluster F p")
close(rc.pvalues["x"], M["ols_cluster_firm"]["coefficients"]["x"]["p_value"], 1e-8, "petersen cluster p (G-1 df)")

# ---------------------------------------------------------------- ols_longley (vs certified)
d, e = load("ols_longley")
xs = [f"x{i}" for i in range(1, 7)]
r = ols_fit(d, "y", xs)
cert = e["certified"]["coefficients"]
for k, v in cert.items():
    key = "const" if k == "(Intercept)" else k
    close(r.params[key], v["estimate"], 1e-9, f"longley certified b {k}")
    close(r.bse[key], v["std_error"], 1e-9, f"longley certified se {k}")
close(r.rsquared, e["certified"]["r2"], 1e-12, "longley certified r2")
rh = ols_fit(d, "y", xs, "HC1")
for k, v in e["exact"]["coefficients"].items():
    key = "const" if k == "(Intercept)" else k
    close(rh.bse[key], v["std_error_robust_hc1"], 1e-7, f"longley exact HC1 se {k}")

# ---------------------------------------------------------------- ols_wampler
d, e = load("ols_wampler")
for m in e["models"]:
    r = ols_fit(d, m["y"], m["x"])
    for k, v in m["certified"]["coefficients"].items():
        key = "const" if k == "(Intercept)" else k
        close(r.params[key], v["estimate"], 1e-6, f"{m['name']} certified b {k}")

# ---------------------------------------------------------------- ols_cps (listwise deletion, collinear age)
d, e = load("ols_cps")
M = models_by_name(e)
dd = d.dropna(subset=["lwage", "education", "experience", "age"])
assert len(dd) == M["ols_iid"]["nobs"]
Xfull = sm.add_constant(dd[["education", "experience", "age"]])
assert np.linalg.matrix_rank(Xfull.values) == 3  # age collinear -> omitted
x = ["education", "experience"]
cmp_model(ols_fit(dd, "lwage", x), M["ols_iid"], 1e-10, "cps iid")
cmp_model(ols_fit(dd, "lwage", x, "HC1"), M["ols_robust"], 1e-10, "cps HC1")
rc = ols_fit(dd, "lwage", x, "cl", pd.factorize(dd["sector"])[0])
cmp_model(rc, M["ols_cluster_sector"], 1e-10, "cps cluster sector")
close(rc.fvalue, M["ols_cluster_sector"]["fit"]["f_stat"], 1e-9, "cps cluster F")
close(rc.pvalues["education"], M["ols_cluster_sector"]["coefficients"]["education"]["p_value"], 1e-8, "cps cluster p")


# ---------------------------------------------------------------- panels: pooled + one-way within
def demean(df, cols, by):
    return df[cols] - df.groupby(by)[cols].transform("mean")


for case, y, x, idv in [("panel_grunfeld", "inv", ["value", "capital"], "firm"),
                        ("panel_fatalities", "frate", ["beertax", "drinkage", "unrate", "lincome"], "state"),
                        ("panel_wages", "lwage", ["exp", "exp2", "wks", "ed"], "id")]:
    d, e = load(case)
    M = models_by_name(e)
    g = pd.factorize(d[idv])[0]
    cmp_model(ols_fit(d, y, x), M["pooled_iid"], 1e-10, f"{case} pooled iid")
    cmp_model(ols_fit(d, y, x, "cl", g), M["pooled_cluster"], 1e-10, f"{case} pooled cluster")
    m = M["fe_oneway_iid"]
    kept = list(m["coefficients"].keys())
    N, n, K = m["nobs"], m["n_groups"], len(kept)
    yd = demean(d, [y], idv)[y]
    Xd = demean(d, kept, idv)
    r = sm.OLS(yd, Xd).fit()
    # statsmodels' iid uses N-K df; xtreg fe uses N-n-K
    cmp_model(r, m, 1e-9, f"{case} FE iid", scale=(N - K) / (N - n - K))
    close(r.rsquared, m["fit"]["r2_within"], 1e-10, f"{case} FE r2 within")
    rc = sm.OLS(yd, Xd).fit(cov_type="cluster", cov_kwds={"groups": g})
    # statsmodels cluster: G/(G-1) (N-1)/(N-K); Stata xtreg fe: G/(G-1) (N-1)/(N-K-1)
    cmp_model(rc, M["fe_oneway_cluster"], 1e-9, f"{case} FE cluster", scale=(N - K) / (N - K - 1))
    cmp_model(rc, M["fe_oneway_cluster_slopes_only"], 1e-9, f"{case} FE cluster slopes-only")

print(f"{checked} statsmodels checks, {len(failures)} failures")
for f in failures:
    print("  FAIL", f)
sys.exit(1 if failures else 0)
