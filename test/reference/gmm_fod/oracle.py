"""Dense reference implementation of xtabond2-style difference / system GMM.

Written from the published formulas (Arellano-Bond 1991, Arellano-Bover 1995, Blundell-Bond 1998,
Windmeijer 2005, Roodman 2009 "How to do xtabond2") and from reading the xtabond2 3.7.2 Mata source
(see README.md for the exact source lines each convention rests on). Clarity over speed: every
panel unit gets an explicit full-time-grid transformation matrix M_i, stacked design X_i, y_i,
instrument matrix Z_i and one-step weighting matrix H_i; all sums are plain loops over units.

Conventions (details and citations in README.md):
  * time grid: every unit is laid out on the full grid of T periods (tmin .. tmax of the data);
  * "complete" period: y, every regressor and every IV-style variable observed;
  * FD row stored at t: x_t - x_{t-1}, both complete;
  * FOD row for period t is stored at slot t+1: sqrt(n/(n+1)) (x_t - mean of the n complete later
    periods of the same unit); t itself must be complete and n >= 1;
  * GMM-style lags are counted from the storage slot (so gmm(L.n) = lags 2.. gives n_{t-1}, n_{t-2},
    ... for the deviation of period t under FOD; n_{t-2}, ... for the difference at t under FD);
  * H (h(3)): H_i = [[Mf Mf', Mf], [Mf', I]] with Mf the transformation matrix of a COMPLETE
    (balanced) unit on the full grid -- xtabond2's _H() builds a single H from T alone. For FOD the
    transformed block is then the identity; the off-diagonal block carries balanced-panel weights
    (option fod_offdiag='own' uses the unit's own deviation weights instead, for comparison);
  * Sargan with sigma^2 = SSR(transformed one-step residuals) / (c * N_transformed), c = 2 (FD) or 1
    (FOD);
  * Hansen J = g2' W2 g2 at the two-step estimates with W2 = (sum Z_i'e1_i e1_i'Z_i)^-1 (also after
    one-step robust estimation);
  * difference-in-Hansen: for each group, drop its columns, re-estimate two-step with the
    sub-block of the SAME one-step-residual moment matrix, J_R = g_R' W_R g_R; difference = J - J_R;
  * AR(m): on first differences of the LEVEL residuals (also after FOD), robust Arellano-Bond
    variance with the uncorrected (A'WA)^-1 in the cross term and the reported V in the last term.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


# ----------------------------------------------------------------------------------------------
# data on a full (unit x period) grid
# ----------------------------------------------------------------------------------------------

class Grid:
    def __init__(self, df: pd.DataFrame, id_col: str = "id", time_col: str = "year"):
        self.ids = sorted(df[id_col].unique())
        self.tmin = int(df[time_col].min())
        self.tmax = int(df[time_col].max())
        self.T = self.tmax - self.tmin + 1
        self.N = len(self.ids)
        self.years = list(range(self.tmin, self.tmax + 1))
        row = {u: i for i, u in enumerate(self.ids)}
        self.vars: dict[str, np.ndarray] = {}
        for c in df.columns:
            if c in (id_col, time_col):
                continue
            a = np.full((self.N, self.T), np.nan)
            for u, t, v in zip(df[id_col], df[time_col], df[c]):
                a[row[u], int(t) - self.tmin] = v
            self.vars[c] = a

    def term(self, name: str) -> np.ndarray:
        """'v', 'L.v', 'L2.v': lag by the time variable (missing before the grid or across gaps)."""
        m = re.fullmatch(r"L(\d*)\.(.+)", name)
        if not m:
            return self.vars[name].copy()
        lag = int(m.group(1)) if m.group(1) else 1
        base = self.vars[m.group(2)]
        out = np.full_like(base, np.nan)
        if lag < self.T:
            out[:, lag:] = base[:, : self.T - lag]
        return out


# ----------------------------------------------------------------------------------------------
# per-unit design
# ----------------------------------------------------------------------------------------------

@dataclass
class Unit:
    uid: object
    rows: int                       # T (transformed slots) [+ T level rows in system GMM]
    X: np.ndarray                   # rows x k (zero rows where unused)
    y: np.ndarray                   # rows
    H: np.ndarray                   # rows x rows
    used: np.ndarray                # rows, bool
    zcols: dict = field(default_factory=dict)   # instrument key -> column vector (rows)
    Xl: np.ndarray = None           # T x k levels (nan where incomplete)
    yl: np.ndarray = None           # T
    complete: np.ndarray = None     # T bool


def transform_matrix(complete: np.ndarray, fod: bool) -> np.ndarray:
    """T x T: row = storage slot, column = level period; weights on complete periods only."""
    T = len(complete)
    M = np.zeros((T, T))
    if fod:
        for t in range(T - 1):
            later = [q for q in range(t + 1, T) if complete[q]]
            if not complete[t] or not later:
                continue
            n = len(later)
            c = np.sqrt(n / (n + 1.0))
            M[t + 1, t] = c
            for q in later:
                M[t + 1, q] = -c / n
    else:
        for t in range(1, T):
            if complete[t] and complete[t - 1]:
                M[t, t] = 1.0
                M[t, t - 1] = -1.0
    return M


def balanced_matrix(T: int, fod: bool) -> np.ndarray:
    """The same transformation for a unit complete in every period of the grid (xtabond2 _H)."""
    return transform_matrix(np.ones(T, dtype=bool), fod)


def build(grid: Grid, spec: dict, fod_offdiag: str = "balanced"):
    """Per-unit blocks for a spec in the neutral form of test/reference/gmm_abdata/expected.json."""
    fod = spec["transform"] == "fod"
    system = bool(spec["system"])
    h = spec.get("h", 3)
    T = grid.T
    y = grid.term(spec["y"])
    xs = [grid.term(t) for t in spec["x"]]
    ivs = [v for v in (spec.get("iv_style") or []) if v["var"] not in ("time_dummies", "_cons")]
    iv_vals = [grid.term(v["var"]) for v in ivs]
    complete = np.isfinite(y)
    for a in xs + iv_vals:
        complete &= np.isfinite(a)
    # time dummies: every period with a complete observation except the first (the base period)
    periods = [t for t in range(T) if complete[:, t].any()]
    dummy_periods = periods[1:] if spec.get("timedummies") else []
    names = list(spec["x"]) + [f"yr{grid.years[t]}" for t in dummy_periods]
    if system:
        names.append("_cons")
    k = len(names)
    td_iv = [v for v in (spec.get("iv_style") or []) if v["var"] == "time_dummies"]
    td_eq = td_iv[0].get("eq", "both") if td_iv else None
    cons_iv = [v for v in (spec.get("iv_style") or []) if v["var"] == "_cons"]

    Mb = balanced_matrix(T, fod)
    units: list[Unit] = []
    for i, uid in enumerate(grid.ids):
        comp = complete[i]
        if not comp.any():
            continue
        Xl = np.full((T, k), np.nan)
        for c, a in enumerate(xs):
            Xl[:, c] = a[i]
        for d, t in enumerate(dummy_periods):
            Xl[:, len(xs) + d] = np.where(np.arange(T) == t, 1.0, 0.0)
        if system:
            Xl[:, k - 1] = 1.0
        Xl[~comp, :] = np.nan
        yl = np.where(comp, y[i], np.nan)
        M = transform_matrix(comp, fod)
        used_t = np.abs(M).sum(axis=1) > 0
        X0 = np.nan_to_num(Xl)
        y0 = np.nan_to_num(yl)
        Xt = M @ X0
        yt = M @ y0
        if system:
            rows = 2 * T
            X = np.vstack([Xt, X0 * comp[:, None]])
            yy = np.concatenate([yt, y0 * comp])
            used = np.concatenate([used_t, comp])
        else:
            rows = T
            X, yy, used = Xt, yt, used_t
        if not used.any():
            continue
        # H, h(3) (h(1): identity; h(2): zero off-diagonal block)
        Mh = M if (fod and fod_offdiag == "own") else Mb
        if h == 1:
            H = np.eye(rows)
        else:
            Htt = Mb @ Mb.T
            if system:
                off = Mh if h == 3 else np.zeros((T, T))
                H = np.block([[Htt, off], [off.T, np.eye(T)]])
            else:
                H = Htt
        u = Unit(uid=uid, rows=rows, X=X * used[:, None], y=yy * used, H=H, used=used, Xl=Xl, yl=yl, complete=comp)

        def put(key, r, val):
            if not used[r] or not np.isfinite(val) or val == 0.0:
                return
            if key not in u.zcols:
                u.zcols[key] = np.zeros(rows)
            u.zcols[key][r] += val

        # GMM-style instruments
        for gi, g in enumerate(spec["gmm_style"]):
            v = grid.term(g["var"])[i]
            eq = g.get("eq", "both") if system else "diff"
            lo = g["lag_min"]
            hi = g.get("lag_max")
            if eq in ("diff", "both"):
                for s in range(T):
                    if not used_t[s]:
                        continue
                    top = s if hi is None else min(hi, s)
                    for L in range(lo, top + 1):
                        key = ("gmm", g["var"], "diff", "c" if g.get("collapse") else s, L)
                        put(key, s, v[s - L])
            if system and eq in ("level", "both"):
                lags = [max(lo - 1, 0)] if eq == "both" else list(range(lo, (hi if hi is not None else T) + 1))
                for t in range(T):
                    if not comp[t]:
                        continue
                    for d in lags:
                        if t - d - 1 < 0:
                            continue
                        key = ("gmm", g["var"], "level", "c" if g.get("collapse") else t, d)
                        put(key, T + t, v[t - d] - v[t - d - 1])
        # IV-style instruments
        for vi, (v, vals) in enumerate(zip(ivs, iv_vals)):
            eq = v.get("eq", "both") if system else "diff"
            key = ("iv", v["var"])
            a = np.nan_to_num(np.where(comp, vals[i], np.nan))
            if eq in ("diff", "both"):
                at = M @ a if not v.get("passthru") else vals[i]
                for s in range(T):
                    put(key, s, at[s])
            if system and eq in ("level", "both"):
                for t in range(T):
                    if comp[t]:
                        put(key, T + t, vals[i][t])
        # time dummies as IV-style instruments
        if td_iv:
            eq = td_eq if system else "diff"
            for t0 in dummy_periods:
                key = ("td", f"yr{grid.years[t0]}")
                dv = np.where(np.arange(T) == t0, 1.0, 0.0) * comp
                if eq in ("diff", "both"):
                    at = M @ dv
                    for s in range(T):
                        put(key, s, at[s])
                if system and eq in ("level", "both"):
                    for t in range(T):
                        if comp[t]:
                            put(key, T + t, dv[t])
        if system and cons_iv:
            for t in range(T):
                if comp[t]:
                    put(("cons", "_cons"), T + t, 1.0)
        units.append(u)
    return units, names


def key_order(key):
    kind = {"iv": 0, "td": 1, "cons": 2, "gmm": 3}[key[0]]
    if key[0] == "gmm":
        return (kind, key[1], 0 if key[2] == "diff" else 1, -1 if key[3] == "c" else key[3], key[4])
    return (kind, key[1])


def assemble(units, spec_gmm_order):
    """Global instrument list; Z_i as dense matrices; collinear / empty columns dropped."""
    keys = set()
    for u in units:
        keys.update(u.zcols)
    var_rank = {g["var"]: j for j, g in enumerate(spec_gmm_order)}
    keys = sorted(keys, key=lambda kk: (key_order(kk)[0], var_rank.get(kk[1], 0)) + key_order(kk)[1:])
    m0 = len(keys)
    Zs = []
    for u in units:
        Z = np.zeros((u.rows, m0))
        for j, kk in enumerate(keys):
            if kk in u.zcols:
                Z[:, j] = u.zcols[kk]
        Zs.append(Z)
    G = sum(Z.T @ Z for Z in Zs)
    keep = independent(G)
    return [Z[:, keep] for Z in Zs], [keys[j] for j in keep], m0


def independent(G, tol=1e-10):
    """Columns linearly independent of earlier ones (sequential, on the Gram matrix)."""
    kept = []
    for j in range(G.shape[0]):
        if G[j, j] <= 0:
            continue
        if kept:
            Gk = G[np.ix_(kept, kept)]
            gj = G[kept, j]
            r = G[j, j] - gj @ np.linalg.solve(Gk, gj)
        else:
            r = G[j, j]
        if r > tol * G[j, j]:
            kept.append(j)
    return kept


def inv_sym(S):
    """Inverse of a symmetric PSD matrix after diagonal scaling; Moore-Penrose if singular."""
    d = np.sqrt(np.diag(S))
    d[d == 0] = 1.0
    Ss = S / np.outer(d, d)
    try:
        L = np.linalg.cholesky(Ss)
        Li = np.linalg.inv(L)
        return (Li.T @ Li) / np.outer(d, d), False
    except np.linalg.LinAlgError:
        return np.linalg.pinv(S, rcond=1e-12, hermitian=True), True


# ----------------------------------------------------------------------------------------------
# estimation
# ----------------------------------------------------------------------------------------------

def gmm_solve(A, b, W):
    B = np.linalg.inv(A.T @ W @ A)
    B = (B + B.T) / 2
    beta = B @ (A.T @ W @ b)
    return beta, B


def fit(grid: Grid, spec: dict, ar_orders=(1, 2), diff_groups=None, fod_offdiag="balanced"):
    fod = spec["transform"] == "fod"
    system = bool(spec["system"])
    units, names = build(grid, spec, fod_offdiag=fod_offdiag)
    Zs, keys, m_raw = assemble(units, spec["gmm_style"])
    k = len(names)
    m = len(keys)
    N = len(units)
    A = sum(Z.T @ u.X for Z, u in zip(Zs, units))
    bvec = sum(Z.T @ u.y for Z, u in zip(Zs, units))
    S1 = sum(Z.T @ u.H @ Z for Z, u in zip(Zs, units))
    W1, sing1 = inv_sym(S1)
    b1, B1 = gmm_solve(A, bvec, W1)
    P1 = B1 @ A.T @ W1
    e1 = [u.y - u.X @ b1 for u in units]
    g1i = [Z.T @ e for Z, e in zip(Zs, e1)]
    g1 = sum(g1i)
    S2 = sum(np.outer(g, g) for g in g1i)
    W2, sing2 = inv_sym(S2)
    V1r = P1 @ S2 @ P1.T
    # sigma^2 from the transformed-equation one-step residuals
    T = grid.T
    nt_rows = sum(int(u.used[:T].sum()) for u in units)
    nl_rows = sum(int(u.complete.sum()) for u in units) if system else 0
    ssr1 = sum(float(e[:T] @ e[:T]) for e in e1)
    c = 1.0 if fod else 2.0
    sig2 = ssr1 / (c * nt_rows)
    sargan = float(g1 @ W1 @ g1) / sig2
    # two-step
    b2, B2 = gmm_solve(A, bvec, W2)
    P2 = B2 @ A.T @ W2
    e2 = [u.y - u.X @ b2 for u in units]
    g2 = sum(Z.T @ e for Z, e in zip(Zs, e2))
    hansen = float(g2 @ W2 @ g2)
    # Windmeijer (2005): D[:, j] = B2 A' W2 [sum_i Z_i'(x_ij e1_i' + e1_i x_ij')Z_i] W2 g2
    q = W2 @ g2
    Dsum = np.zeros((m, k))
    for Z, u, e in zip(Zs, units, e1):
        ZX = Z.T @ u.X
        Ze = Z.T @ e
        Dsum += ZX * float(Ze @ q) + np.outer(Ze, ZX.T @ q)
    D = P2 @ Dsum
    Vw = B2 + D @ B2 + B2 @ D.T + D @ V1r @ D.T
    Vw = (Vw + Vw.T) / 2
    twostep = bool(spec["twostep"])
    robust = spec.get("vcov", "robust") == "robust"
    if twostep:
        beta, V, Bfin, Wfin, e_fin = b2, (Vw if robust else B2), B2, W2, e2
    else:
        beta, V, Bfin, Wfin, e_fin = b1, (V1r if robust else B1 * sig2), B1, W1, e1
    out = {
        "names": names,
        "beta": beta,
        "se": np.sqrt(np.diag(V)),
        "V": V,
        "nobs": nl_rows if system else nt_rows,
        "n_transformed": nt_rows,
        "n_levels": sum(int(u.complete.sum()) for u in units),
        "n_groups": N,
        "n_instruments": m,
        "n_instrument_columns_before_collinearity": m_raw,
        "sargan": sargan,
        "sargan_df": m - k,
        "sigma2_onestep": sig2,
        "hansen": hansen if (twostep or robust) else None,
        "hansen_df": m - k,
        "singular_W1": sing1,
        "singular_W2": sing2,
        "instrument_keys": keys,
    }
    # Arellano-Bond AR(m) on first differences of the level residuals
    out["ar"] = {mm: ar_test(units, Zs, beta, e_fin, Bfin, Wfin, A, V, mm) for mm in ar_orders}
    # difference-in-Hansen
    if diff_groups is not None and out["hansen"] is not None:
        out["diff_hansen"] = []
        for gname, pred in diff_groups:
            members = [j for j, kk in enumerate(keys) if pred(kk)]
            rest = [j for j in range(m) if j not in members]
            entry = {"group": gname, "n_in_group": len(members)}
            if not members:
                entry["note"] = "no instruments in this group"
            elif len(rest) < k:
                entry.update({"excluded_stat": None, "excluded_df": None, "diff_stat": None, "diff_df": None,
                              "note": f"not computable: {len(rest)} remaining instruments < {k} regressors (xtabond2 skips the group)"})
            else:
                Sr = S2[np.ix_(rest, rest)]
                Wr, _ = inv_sym(Sr)
                Ar = A[rest]
                br = bvec[rest]
                bR, _ = gmm_solve(Ar, br, Wr)
                gR = br - Ar @ bR
                JR = float(gR @ Wr @ gR)
                entry.update({"excluded_stat": JR, "excluded_df": len(rest) - k, "diff_stat": hansen - JR,
                              "diff_df": len(members), "beta_restricted": bR})
            out["diff_hansen"].append(entry)
    return out


def ar_test(units, Zs, beta, e_fin, B, W, A, V, order):
    """Arellano-Bond m(order) on first differences of level residuals.

    z = sum_i a_i / sqrt( sum_i a_i^2 - 2 xw' B A'W sum_i Z_i'e_i a_i + xw' V xw ),
    a_i = sum_t de_t de_{t-order}, xw = sum_i sum_t dX_t de_{t-order}, both de_t and de_{t-order}
    present (consecutive complete periods).
    """
    k = len(beta)
    num = 0.0
    saa = 0.0
    xw = np.zeros(k)
    gza = np.zeros(A.shape[0])
    pairs = 0
    for u, Z, e in zip(units, Zs, e_fin):
        T = len(u.yl)
        r = u.yl - u.Xl @ beta                      # nan where incomplete
        de = np.full(T, np.nan)
        dX = np.full((T, k), np.nan)
        de[1:] = r[1:] - r[:-1]
        dX[1:] = u.Xl[1:] - u.Xl[:-1]
        a = 0.0
        for t in range(order + 1, T):
            if np.isfinite(de[t]) and np.isfinite(de[t - order]):
                a += de[t] * de[t - order]
                xw += dX[t] * de[t - order]
                pairs += 1
        num += a
        saa += a * a
        gza += (Z.T @ e) * a
    if pairs == 0:
        return None
    var = saa - 2.0 * xw @ B @ A.T @ W @ gza + xw @ V @ xw
    return float(num / np.sqrt(var))
