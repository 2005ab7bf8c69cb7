#!/usr/bin/env python3
"""Collect gretl (gretl_output.txt) and pgmm (pgmm_output.txt) results into expected.json.

Run after:  gretlcli -b make.inp > gretl_output.txt 2>&1 ; Rscript make.R > pgmm_output.txt 2>&1
"""
import json, re, subprocess, math

def num(s):
    s = s.strip()
    if s in ("NaN", "nan", "NA"):
        return None
    v = float(s)
    return None if math.isnan(v) else v

def parse(path):
    res, warnings, cur = {}, {}, None
    for line in open(path):
        line = line.rstrip("\n")
        m = re.match(r"^=== MODEL (\S+) ===", line)
        if m:
            cur = m.group(1); warnings.setdefault(cur, []); continue
        if line.startswith("=== END"):
            cur = None; continue
        if line.startswith("@@|"):
            f = line.rstrip().split("|")[1:]
            mid, kind, name, vals = f[0], f[1], f[2], f[3:]
            res.setdefault(mid, {}).setdefault(kind, {})[name] = vals
            continue
        if cur and re.search(r"warn|singular|pseudo|generali[sz]ed inverse|NaN", line, re.I):
            warnings[cur].append(line.strip())
    return res, warnings

def gname(s, first_year):
    m = re.fullmatch(r"(\w+)\(-(\d+)\)", s)
    if m:
        return ("L." if m.group(2) == "1" else "L%s." % m.group(2)) + m.group(1)
    m = re.fullmatch(r"(\w+)_(\d+)", s)
    if m:
        return ("L." if m.group(2) == "1" else "L%s." % m.group(2)) + m.group(1)
    m = re.fullmatch(r"T(\d+)", s)
    if m:
        return "yr%d" % (first_year - 1 + int(m.group(1)))
    if s == "const":
        return "_cons"
    return s

def rname(s):
    m = re.fullmatch(r"lag\((\w+), [0-9:]+\)(\d*)", s)
    if m:
        var, lag = m.group(1), m.group(2)
        if lag == "":            # single lag given, e.g. lag(n, 1)
            lag = re.search(r", (\d+)\)", s).group(1)
        lag = int(lag)
        return var if lag == 0 else ("L." if lag == 1 else "L%d." % lag) + var
    if s == "(Intercept)":
        return "_cons"
    if re.fullmatch(r"\d{4}", s):
        return "yr" + s
    return s

G, GW = parse("gretl_output.txt")
R, RW = parse("pgmm_output.txt")
first_year = int(num(G["_data"]["scalar"]["first_year"][0]))
gaps = json.load(open("gaps.json"))

def gver():
    out = subprocess.run(["gretlcli", "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0].strip()

XAB = ["L.n", "L2.n", "w", "L.w", "k", "L.k", "L2.k", "ys", "L.ys", "L2.ys"]
XBB = ["L.n", "w", "L.w", "k", "L.k"]
IV_AB = [{"var": v, "eq": "diff"} for v in XAB[2:]]

def spec(kind, twostep, vcov, **kw):
    if kind == "ab":
        s = {"y": "n", "x": XAB,
             "gmm_style": [{"var": "n", "lag_min": 2, "lag_max": None, "collapse": False, "eq": "diff"}],
             "iv_style": IV_AB + [{"var": "time_dummies", "eq": "diff"}],
             "system": False, "constant": False, "twostep": twostep, "transform": "fd",
             "timedummies": True, "vcov": vcov,
             "xtabond2": "xtabond2 n L.n L2.n w L.w L(0/2).(k ys) yr*, gmm(L.n) iv(w L.w L(0/2).(k ys) yr*) noleveleq"
                         + (" twostep" if twostep else "") + (" robust" if vcov != "iid" else "")}
    else:
        lmax = kw.get("lag_max")
        col = kw.get("collapse", False)
        s = {"y": "n", "x": XBB,
             "gmm_style": [{"var": v, "lag_min": 2, "lag_max": lmax, "collapse": col, "eq": "diff"} for v in ("n", "w", "k")]
                        + [{"var": v, "lag_min": 1, "lag_max": 1, "collapse": col, "eq": "level",
                            "note": "instrument is D.%s at lag 1, i.e. x_{t-1}-x_{t-2}" % v} for v in ("n", "w", "k")],
             "iv_style": [{"var": "time_dummies", "eq": "level"}, {"var": "_cons", "eq": "level"}],
             "system": True, "constant": True, "twostep": twostep, "transform": "fd",
             "timedummies": True, "vcov": vcov,
             "xtabond2": "xtabond2 n L.n L(0/1).(w k) yr*, gmmstyle(L.(n w k)%s%s) ivstyle(yr*, equation(level))%s%s" % (
                 ", lag(1 3)" if lmax else "", " collapse" if col else "",
                 " robust" if vcov != "iid" else "", " twostep" if twostep else "")}
    s.update({k: v for k, v in kw.items() if k in ("h_matrix", "note")})
    return s

MODELS = {
    "ab_diff_1step_robust": spec("ab", False, "robust"),
    "ab_diff_1step_iid": spec("ab", False, "iid"),
    "ab_diff_2step": spec("ab", True, "robust", note="two-step; SEs Windmeijer-corrected"),
    "ab_diff_2step_asymptotic": spec("ab", True, "iid", note="two-step, uncorrected asymptotic SEs (gretl --asymptotic); pgmm: vcov(m)"),
    "bb_sys_2step": spec("bb", True, "robust", note="Windmeijer SEs; gretl H as xtabond2 (not --dpdstyle)"),
    "bb_sys_1step_robust": spec("bb", False, "robust"),
    "bb_sys_1step_iid": spec("bb", False, "iid", note="gretl only (pgmm has no properly scaled non-robust one-step vcov)"),
    "bb_sys_2step_dpdstyle": spec("bb", True, "robust", h_matrix="ox_dpd",
                                  note="exactly gretl's bbond98.inp GMM-SYS (--dpdstyle): H = blockdiag(tridiag(2,-1), I); gretl only (pgmm fsm argument is ignored)"),
    "sys_collapse": spec("bb", True, "robust", lag_max=4, collapse=True,
                         note="GMM(n w k, 2..4) collapsed in diff eq; D.x_{t-1} collapsed (one column per variable) in level eq"),
    "unbalanced_gap": dict(spec("ab", True, "robust"), data="data_gaps.csv",
                           dropped_rows={"ids": gaps["ids"], "year": gaps["year"]},
                           note="ab_diff_2step on data_gaps.csv; gretl and pgmm DIFFER here by design (gretl k-differences across gaps; pgmm/xtabond2 use time-operator differences). pgmm is the xtabond2-semantics reference."),
    "diff_fod_1step": {"y": "n", "x": XAB, "transform": "fod", "skipped": True,
                       "reason": "Neither gretl 2022c dpanel (no orthogonal-deviations option) nor plm 2.6-2 pgmm (transformation is 'd' or 'ld' only) supports forward orthogonal deviations; no reference produced."},
}

def gretl_block(mid):
    g = G[mid]; sc = {k: num(v[0]) for k, v in g["scalar"].items()}
    coefs = {gname(k, first_year): {"estimate": num(v[0]), "std_error": num(v[1])} for k, v in g["coef"].items()}
    out = {"coefficients": coefs,
           "nobs": int(sc["T"]), "n_groups": int(sc["n_included_units"]), "n_instruments": int(sc["ninst"]),
           "nobs_note": "gretl nobs: differenced obs for difference GMM; LEVEL-equation obs for system GMM",
           "AR1": {"z": sc.get("AR1"), "p": sc.get("AR1_p")}, "AR2": {"z": sc.get("AR2"), "p": sc.get("AR2_p")},
           "sargan": {"stat": sc.get("sargan"), "df": int(sc["sargan_df"]), "p": sc.get("sargan_p")} if "sargan" in sc else None,
           "hansen": {"stat": sc.get("hansen"), "df": int(sc["hansen_df"]), "p": sc.get("hansen_p")} if "hansen" in sc else None,
           "diff_in_hansen": None,
           "wald": {"stat": sc.get("wald"), "df": int(sc["wald_df"]), "p": sc.get("wald_p"),
                    "note": "joint test of all coefficients except time dummies and constant"},
           "wald_time": {"stat": sc.get("wald_time"), "df": int(sc["wald_time_df"]), "p": sc.get("wald_time_p")} if "wald_time" in sc else None,
           "ssr": sc.get("ess"), "ssr_note": "sum of squared DIFFERENCED residuals (also in system GMM)",
           "sigma": sc.get("sigma"), "sigma_note": "gretl 'S.E. of regression' = sqrt(ssr / (2*nobs)) (nobs as reported)",
           "step": int(sc["step"]), "warnings": GW.get(mid, [])}
    if out["AR1"]["z"] is None:
        out["AR1"] = out["AR2"] = None
        out["AR_note"] = "gretl does not compute AR tests for one-step --asymptotic system GMM"
    return out

def pgmm_block(mid, rid=None):
    r = R[rid or mid]; sc = r["scalar"]
    iid = MODELS[mid]["vcov"] == "iid"
    coefs = {rname(k): {"estimate": num(v[0]), "std_error": num(v[2] if iid else v[1]),
                        "std_error_robust": num(v[1]), "std_error_vcov_m": num(v[2])} for k, v in r["coef"].items()}
    out = {"coefficients": coefs,
           "nobs": int(num(sc["nobs_nonzero_resid"][0])),
           "nobs_note": "nobs(pgmm) counts nonzero residuals: diff + level obs in system GMM",
           "n_diff_obs": int(num(sc["n_diff_obs"][0])), "n_level_obs": int(num(sc["n_level_obs"][0])),
           "n_groups": int(num(sc["n_groups"][0])), "n_instruments": int(num(sc["n_instruments"][0])),
           "AR1_robust_vcov": {"z": num(sc["AR1_robust"][0]), "p": num(sc["AR1_robust"][1])},
           "AR2_robust_vcov": {"z": num(sc["AR2_robust"][0]), "p": num(sc["AR2_robust"][1])},
           "AR1_vcov_m": {"z": num(sc["AR1_nonrobust_vcov"][0]), "p": num(sc["AR1_nonrobust_vcov"][1])},
           "AR2_vcov_m": {"z": num(sc["AR2_nonrobust_vcov"][0]), "p": num(sc["AR2_nonrobust_vcov"][1])},
           "AR_note": "plm::mtest; summary.pgmm uses the robust vcov. pgmm's AR tests do NOT match gretl except two-step with vcov(m) (asymptotic) in difference GMM; see README",
           "hansen": {"stat": num(sc["sargan_twosteps_weights"][0]), "df": int(num(sc["sargan_twosteps_weights"][1])),
                      "p": num(sc["sargan_twosteps_weights"][2]),
                      "note": "plm::sargan(m) default 'twosteps' weights = what summary() prints as 'Sargan'; it is Hansen's J (weights from one-step residuals, evaluated at the model's final residuals)"},
           "sargan_onestep_weights_unscaled": {"stat": num(sc["sargan_onestep_weights"][0]), "df": int(num(sc["sargan_onestep_weights"][1])),
                                               "note": "plm::sargan(m,'onestep') = N * z'(sum Z'HZ)^-1 z, NOT divided by sigma^2 (not a Sargan statistic)"},
           "wald": {"stat": num(sc["wald_coef_robust"][0]), "df": int(num(sc["wald_coef_robust"][1])), "p": num(sc["wald_coef_robust"][2]), "vcov": "robust"},
           "wald_vcov_m": {"stat": num(sc["wald_coef_nonrobust_vcov"][0]), "df": int(num(sc["wald_coef_nonrobust_vcov"][1])), "p": num(sc["wald_coef_nonrobust_vcov"][2])},
           "wald_time": {"stat": num(sc["wald_time_robust"][0]), "df": int(num(sc["wald_time_robust"][1])), "p": num(sc["wald_time_robust"][2]), "vcov": "robust"},
           "ssr_diff": num(sc["ssr_diff"][0]), "ssr_level": num(sc["ssr_level"][0]),
           "warnings": RW.get(rid or mid, [])}
    if iid:
        out["std_error_note"] = ("pgmm has no sigma^2-scaled non-robust one-step vcov: vcov(m) = (X'Z A1 Z'X)^-1 with A1 = N (sum Z'HZ)^-1 "
                                 "for one-step (unscaled), B2 for two-step. For one-step iid, std_error here is that unscaled value; "
                                 "it is NOT comparable to gretl.")
    return out

expected = {"source": {
    "gretl": gver() + " (gretlcli, dpanel); script make.inp; raw log gretl_output.txt",
    "pgmm": "%s; plm %s (pgmm); script make.R; raw log pgmm_output.txt" % (R["_meta"]["version"]["R"][0].strip(), R["_meta"]["version"]["plm"][0].strip()),
    "data": "data.csv = gretl /usr/share/gretl/data/misc/abdata.gdt (n,w,k,ys; 1031 firm-years, 140 firms, 1976-1984), written with %.17g by export_data.py; data_gaps.csv = same minus the rows listed under unbalanced_gap.spec.dropped_rows",
    "built_by": "build_expected.py",
    "coefficient_names": "L.v = lag 1 of v, L2.v = lag 2 (by year); yrYYYY = time dummy for year YYYY; _cons = constant",
}, "models": {}}

for mid, sp in MODELS.items():
    entry = {"spec": sp}
    if sp.get("skipped"):
        expected["models"][mid] = entry; continue
    entry["gretl"] = gretl_block(mid)
    if mid in R:
        entry["pgmm"] = pgmm_block(mid)
    elif mid == "ab_diff_2step_asymptotic":
        entry["pgmm"] = pgmm_block(mid, "ab_diff_2step")
    else:
        entry["pgmm"] = None
        entry["pgmm_note"] = "not expressible in pgmm (see spec.note)"
    expected["models"][mid] = entry

json.dump(expected, open("expected.json", "w"), indent=1, allow_nan=False)
json.load(open("expected.json"))
print("ok", len(expected["models"]), "models")
