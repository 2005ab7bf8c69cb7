# Reference values: panel IV with absorbed fixed effects, Stata ivreghdfe conventions, on the Cornwell-Trumbull
# (1994) North Carolina crime panel (90 counties x 1981-87, 630 rows; Wooldridge's CRIME4, = plm::Crime).
# Baltagi (2006, JAE) "Estimating an economic model of crime using panel data from North Carolina": FE2SLS with
# county and year effects, lprbarr (arrest probability) and lpolpc (police per capita) instrumented by ltaxpc
# (tax revenue per capita) and lmix (face-to-face / other offence mix).
#   ivreghdfe lcrmrte (lprbarr lpolpc = ltaxpc lmix) lprbconv ... lpctymle, absorb(county year) [robust | cluster(county)]
# Data: gretl's misc/nc_crime.gdt (Stata-float values kept exactly; plm::Crime agrees to 5e-15).
# Run: Rscript test/reference/iv_panel/make.R   (needs gretl's data file, Debian package gretl-common)
source("test/reference/iv_common.R")
suppressPackageStartupMessages(library(plm))
dir <- "test/reference/iv_panel"
log <- new.env(); log$check_log <- character(0)

cr <- read_gdt("/usr/share/gretl/data/misc/nc_crime.gdt")
exog <- c("lprbconv", "lprbpris", "lavgsen", "ldensity", "lwcon", "lwtuc", "lwtrd", "lwfir", "lwser", "lwmfg", "lwfed", "lwsta", "lwloc", "lpctymle")
endog <- c("lprbarr", "lpolpc")
inst <- c("ltaxpc", "lmix")
d0 <- cr[c("county", "year", "lcrmrte", endog, exog, inst)]
d0 <- d0[order(d0$county, d0$year), ]; rownames(d0) <- NULL
for (v in 82:87) d0[[paste0("yr", v)]] <- as.numeric(d0$year == v)   # year dummies (year is coded 81..87; base 1981)
write_csv_exact(d0, file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
stopifnot(nrow(d) == 630, !anyNA(d), identical(d$lcrmrte, d0$lcrmrte))
data("Crime", package = "plm")
stopifnot_close(d$lcrmrte, Crime$lcrmrte[order(Crime$county, Crime$year)], 1e-13, "gretl nc_crime = plm::Crime")
N <- nrow(d); n_cty <- length(unique(d$county)); n_yr <- length(unique(d$year))

mk <- function(cols, D = d) { M <- as.matrix(D[cols]); colnames(M) <- cols; storage.mode(M) <- "double"; M }
# Exact FE partialling (LSDV projection by QR on the dummies); returns the residuals and the rank of [dummies].
partial_fe <- function(M, fes) {
  Dm <- model.matrix(as.formula(paste("~", paste(sprintf("factor(%s)", fes), collapse = " + "))), d)
  q <- qr(Dm); out <- qr.resid(q, as.matrix(M)); dimnames(out) <- dimnames(as.matrix(M)); attr(out, "rank") <- q$rank; out
}
allv <- c("lcrmrte", endog, exog, inst)
W2 <- partial_fe(mk(allv), c("county", "year")); stopifnot(attr(W2, "rank") == n_cty + n_yr - 1)

cb <- "FE partialled out exactly (QR projection on the county/year dummies), then ivreg2 with noconstant, small and sdofminus = absorbed df, all by hand in test/reference/iv_common.R"
models <- list()
add <- function(name, fit, exg, absorb, checks, df_a, df_a_note, extra = list())
  models[[length(models) + 1]] <<- iv_entry(name, fit, "lcrmrte", exg, absorb = absorb, cluster_name = if (fit$vcov == "cluster") "county" else NULL,
    computed_by = cb, checks = checks, extra = Filter(Negate(is.null), c(list(absorbed_df = list(df_a = df_a, sdofminus = fit$sd, note = df_a_note)), extra)))

# ivreghdfe degrees of freedom (ivreghdfe.ado 1.2.0 + reghdfe 6 FixedEffects::estimate_dof):
#  absorb() forces `small` and `noconstant`; sdofminus = HDFE.df_a ("if df_a == 0 then 1": the constant);
#  df_a = sum of FE levels minus redundant ones; an FE that IS (or is nested in) a cluster variable counts 0;
#  among the remaining FEs the first is counted in full, every later one loses >= 1 (mobility groups).
dfa_twoway <- n_cty + n_yr - 1            # 96: county 90 (first, exact) + year 7 - 1 (connected: 1 mobility group)
dfa_twoway_cl <- n_yr                     # 7: county is the cluster variable (0), year is now the first FE (all 7 counted)
dfa_oneway_cl <- 1                        # county only, nested in the cluster: df_a = 0 -> ivreghdfe uses 1
note_tw <- "absorb(county year), no cluster: df_a = 90 + (7 - 1) = 96 = rank of [county, year dummies] (constant included); V small factor N/(N-K-96)."
note_twc <- "absorb(county year) cluster(county): county is the cluster variable so its 90 levels do not count (e(df_a_nested) = 90); year is then the first FE and counts all 7 levels: df_a = 7 = sdofminus. Cluster small factor (N-1)/(N-K-7) * G/(G-1) (= reghdfe's (N-1)/(N-K-(T-1)-1))."
note_owc <- "absorb(county) cluster(county), year dummies as regressors: df_a = 0 (nested), ivreghdfe replaces it by 1 ('adjustment to match ivreg2 and old reghdfe'): sdofminus = 1, cluster small factor (N-1)/(N-K-1) * G/(G-1)."

X1n <- endog
fit_abs <- function(W, X1n, X2n, Z1n, vcov, sd, endog_test = X1n) {
  iv_ref(W[, "lcrmrte"], W[, X1n, drop = FALSE], W[, X2n, drop = FALSE], W[, Z1n, drop = FALSE], cons = FALSE, vcov = vcov,
         cluster = if (vcov == "cluster") d$county else NULL, small = TRUE, sdofminus = sd, endog_test = endog_test)
}

# ---------------------------------------------------------------- LSDV equivalence (iid, robust): ivreghdfe == ivreg2 with dummies, small
lsdv_check <- function(fa, X1n, X2n, Z1n, vcov) {
  Dm <- model.matrix(~ factor(county) + factor(year), d)      # includes the intercept
  X2 <- cbind(mk(X2n), Dm[, -1]); colnames(X2) <- c(X2n, colnames(Dm)[-1])
  X2 <- cbind(X2, "(Intercept)" = 1)
  fl <- iv_ref(d$lcrmrte, mk(X1n), X2, mk(Z1n), cons = TRUE, vcov = vcov, small = TRUE, endog_test = X1n)
  nm <- c(X1n, X2n)
  stopifnot_close(fl$b[nm], fa$b[nm], 1e-8, "LSDV b")
  stopifnot_vcov(fl$V[nm, nm], fa$V[nm, nm], 1e-8, "LSDV V")
  # (the Stock-Wright S is evaluated at OLS coefficients of the exogenous block, not at a GMM optimum, so under
  #  robust it is NOT invariant to adding the dummies to Z: ivreg2-with-dummies and ivreghdfe differ there)
  sw_ok <- vcov == "iid"
  stopifnot_close(c(fl$idstat, fl$cdf, fl$rkf, fl$fs$ar$f_stat, fl$fs$ar$chi2, if (sw_ok) fl$fs$sw_s$statistic, fl$endog$statistic,
                    vapply(fl$fs$endog, function(z) z$f_stat, 0), vapply(fl$fs$endog, function(z) z$sw$f_stat, 0), vapply(fl$fs$endog, function(z) z$shea_partial_r2, 0)),
                  c(fa$idstat, fa$cdf, fa$rkf, fa$fs$ar$f_stat, fa$fs$ar$chi2, if (sw_ok) fa$fs$sw_s$statistic, fa$endog$statistic,
                    vapply(fa$fs$endog, function(z) z$f_stat, 0), vapply(fa$fs$endog, function(z) z$sw$f_stat, 0), vapply(fa$fs$endog, function(z) z$shea_partial_r2, 0)),
                  1e-8, "LSDV diagnostics")
  if (fa$jdf > 0) stopifnot_close(fl$J, fa$J, 1e-8, "LSDV J")
  if (!sw_ok) stopifnot(abs(fl$fs$sw_s$statistic / fa$fs$sw_s$statistic - 1) > 1e-6)   # documented difference
  sprintf("absorb == ivreg2 on explicit county+year dummies with small (LSDV; sdofminus 0): b, V (1e-8), %s LM, CD F, %s, AR F/chi2, %sendog C%s, first-stage F, SW F, Shea (1e-8)",
          if (vcov == "iid") "Anderson" else "KP", if (vcov == "iid") "CD F" else "KP Wald F", if (sw_ok) "Stock-Wright S, " else "",
          if (fa$jdf > 0) ", Hansen J/Sargan" else "")
}
aer_lsdv_check <- function(fa, X1n, X2n, Z1n, vcov) {
  f <- as.formula(paste("lcrmrte ~", paste(c(X1n, X2n), collapse = " + "), "+ factor(county) + factor(year) |",
                        paste(c(X2n, Z1n), collapse = " + "), "+ factor(county) + factor(year)"))
  m <- AER::ivreg(f, data = d)
  nm <- c(X1n, X2n)
  stopifnot_close(coef(m)[nm], fa$b[nm], 1e-8, "AER::ivreg LSDV b")
  if (vcov == "cluster") {
    V0 <- sandwich::vcovCL(m, cluster = d$county, type = "HC0", cadjust = FALSE)[nm, nm]
    stopifnot_vcov(V0 * fa$small_factor, fa$V[nm, nm], 1e-7, "CR0 of the LSDV ivreg times the ivreghdfe factor")
    return("b = AER::ivreg with county+year dummies (1e-8); V = sandwich::vcovCL(LSDV ivreg, HC0, cadjust = FALSE) slope block * (N-1)/(N-K-sdofminus)*G/(G-1) (1e-7)")
  }
  "b = AER::ivreg with county+year dummies (1e-8)"
}

# ---------------------------------------------------------------- 1. Baltagi FE2SLS: two endogenous, exactly identified
sc_tw <- list()
for (v in c("iid", "robust", "cluster")) {
  sdv <- if (v == "cluster") dfa_twoway_cl else dfa_twoway
  fa <- fit_abs(W2, endog, exog, inst, v, sdv)
  ch <- aer_lsdv_check(fa, endog, exog, inst, v)
  if (v != "cluster") ch <- c(ch, lsdv_check(fa, endog, exog, inst, v))
  add(paste0("twoway_", v), fa, exog, c("county", "year"), ch, sdv, if (v == "cluster") note_twc else note_tw,
      list(published_check = if (v == "iid") "Baltagi (2006, JAE 21) FE2SLS with county and year effects: lprbarr -0.576 (0.802), lpolpc 0.658 (0.847), asserted to 3 decimals; his SEs are exactly the ivreghdfe iid ones (s2 = RSS/(N-K-96))." else NULL))
  sc_tw[[v]] <- fa
}
stopifnot(abs(sc_tw$iid$b[["lprbarr"]] - (-0.576)) < 5e-4, abs(sc_tw$iid$b[["lpolpc"]] - 0.658) < 5e-4,
          abs(sqrt(sc_tw$iid$V["lprbarr", "lprbarr"]) - 0.802) < 5e-4, abs(sqrt(sc_tw$iid$V["lpolpc", "lpolpc"]) - 0.847) < 5e-4)

# plm within 2SLS (two-way) gives the same coefficients
pd <- pdata.frame(d, index = c("county", "year"))
pf <- as.formula(paste("lcrmrte ~", paste(c(endog, exog), collapse = " + "), "|", paste(c(exog, inst), collapse = " + ")))
pm <- plm(pf, data = pd, model = "within", effect = "twoways")
stopifnot_close(coef(pm)[c(endog, exog)], sc_tw$iid$b[c(endog, exog)], 1e-8, "plm within IV two-way")
models[[1]]$checks <- I(c(models[[1]]$checks, "b = plm(within, twoways) IV (1e-8)"))

# estimatr::iv_robust with absorbed FE counts every absorbed level (areg style): its CR1 = our CR0 * G/(G-1)*(N-1)/(N-K-96)
er <- estimatr::iv_robust(as.formula(paste("lcrmrte ~", paste(c(endog, exog), collapse = " + "), "|", paste(c(exog, inst), collapse = " + "))),
                          data = d, fixed_effects = ~ county + year, clusters = county, se_type = "stata")
Ve <- vcov(er)[c(endog, exog), c(endog, exog)]
fc <- sc_tw$cluster
stopifnot_close(coef(er)[c(endog, exog)], fc$b[c(endog, exog)], 1e-8, "estimatr iv_robust b")
G <- n_cty; K <- length(c(endog, exog))
stopifnot_vcov(Ve, fc$V0[c(endog, exog), c(endog, exog)] * G / (G - 1) * (N - 1) / (N - K - dfa_twoway), 1e-7, "estimatr stata = CR0 * G/(G-1)(N-1)/(N-K-96)")
idx_c <- which(vapply(models, `[[`, "", "name") == "twoway_cluster")
models[[idx_c]]$checks <- I(c(models[[idx_c]]$checks, "estimatr::iv_robust(fixed_effects = ~county + year, clusters = county, se_type = 'stata'): same b; its V = CR0 * G/(G-1)*(N-1)/(N-K-96), i.e. it counts the 90 nested county effects, ivreghdfe does not (SE ratio stored as estimatr_se_ratio)"))
models[[idx_c]]$estimatr_se_ratio <- sqrt(diag(Ve) / diag(fc$V[c(endog, exog), c(endog, exog)]))

# ---------------------------------------------------------------- 2. one endogenous, overidentified: (lpolpc = ltaxpc lmix), lprbarr exogenous
exog_o <- c("lprbarr", exog)
for (v in c("iid", "robust", "cluster")) {
  sdv <- if (v == "cluster") dfa_twoway_cl else dfa_twoway
  fa <- fit_abs(W2, "lpolpc", exog_o, inst, v, sdv)
  ch <- aer_lsdv_check(fa, "lpolpc", exog_o, inst, v)
  if (v != "cluster") ch <- c(ch, lsdv_check(fa, "lpolpc", exog_o, inst, v))
  add(paste0("overid_twoway_", v), fa, exog_o, c("county", "year"), ch, sdv, if (v == "cluster") note_twc else note_tw)
}

# ---------------------------------------------------------------- 3. absorb(county) only, year dummies as regressors, cluster(county)
ydm <- paste0("yr", 82:87)
W1 <- partial_fe(mk(c(allv, ydm)), "county")
fo <- fit_abs(W1, endog, c(exog, ydm), inst, "cluster", dfa_oneway_cl)
stopifnot_close(fo$b[c(endog, exog)], sc_tw$cluster$b[c(endog, exog)], 1e-9, "year dummies = absorbed year FE")
ch <- c("b identical to twoway_cluster (year FE as dummies) (1e-9)", aer_lsdv_check(fo, endog, exog, inst, "cluster"))
add("oneway_yeardummies_cluster", fo, c(exog, ydm), "county", ch, dfa_oneway_cl, note_owc)

# ---------------------------------------------------------------- gretl (coefficients of the LSDV 2SLS; gretl lists const first, so the slopes are b2..b17)
gretl_note <- "gretl not available when generated"
if (gretl_available()) {
  csv <- normalizePath(file.path(dir, "data.csv"))
  gv <- run_gretl(c(sprintf('open "%s" --quiet', csv), "setobs county year --panel-vars", "genr unitdum", "genr timedum",
                    sprintf("list X = %s", paste(c(endog, exog), collapse = " ")), sprintf("list E = %s", paste(exog, collapse = " ")),
                    "list DU = du_2 du_3 du_4 du_5 du_6 du_7 du_8 du_9 du_10 du_11 du_12 du_13 du_14 du_15 du_16 du_17 du_18 du_19 du_20 du_21 du_22 du_23 du_24 du_25 du_26 du_27 du_28 du_29 du_30 du_31 du_32 du_33 du_34 du_35 du_36 du_37 du_38 du_39 du_40 du_41 du_42 du_43 du_44 du_45 du_46 du_47 du_48 du_49 du_50 du_51 du_52 du_53 du_54 du_55 du_56 du_57 du_58 du_59 du_60 du_61 du_62 du_63 du_64 du_65 du_66 du_67 du_68 du_69 du_70 du_71 du_72 du_73 du_74 du_75 du_76 du_77 du_78 du_79 du_80 du_81 du_82 du_83 du_84 du_85 du_86 du_87 du_88 du_89 du_90",
                    "list DT = dt_2 dt_3 dt_4 dt_5 dt_6 dt_7",
                    sprintf("tsls lcrmrte X const DU DT ; E %s const DU DT --quiet", paste(inst, collapse = " ")),
                    'loop i=1..17 --quiet', ' printf "@@ b%d %.17g\\n", i, $coeff[i]', 'endloop'))
  stopifnot_close(gv[paste0("b", 2:17)], sc_tw$iid$b[c(endog, exog)], 1e-8, "gretl tsls with county and year dummies")
  gretl_note <- sprintf("gretl %s: tsls with county and year dummies on this data.csv gives the same 16 slope coefficients (1e-8).", gretl_version())
}

write_json_file(list(
  source = paste0(r_source_string(c("AER", "sandwich", "plm", "estimatr")),
                  ". Data: Cornwell & Trumbull (1994) North Carolina crime panel (Wooldridge CRIME4), 90 counties x 1981-1987, from gretl misc/nc_crime.gdt (= plm::Crime to 5e-15). All l* variables are the supplied logs."),
  script = "make.R", data = "data.csv",
  panel = list(id = "county", time = "year", nobs = N, n_groups = n_cty, n_periods = n_yr, balanced = TRUE),
  conventions = list(
    ivreghdfe = paste("ivreghdfe 1.2.0 (= ivreg2 4.1.11 + absorb()): with absorb() it FORCES `small` and `noconstant` (ivreghdfe.ado: 'if absorb != \"\" { loc small small; loc noconstant noconstant ...}')",
                      "and adds the absorbed degrees of freedom HDFE.df_a to sdofminus (set to 1 when df_a = 0). Everything is then ivreg2 on the FE-demeaned variables with K = number of regressors (no constant),",
                      "L = number of instruments (no constant): iid/robust V *= N/(N-K-sdofminus), t on N-K-sdofminus; cluster V = CR0*(N-1)/(N-K-sdofminus)*G/(G-1), t on G-1;",
                      "r2 = uncentered R2 of the demeaned y (= within R2); CD F = cd*(N-sdofminus-L)/L1; KP Wald F = chi2/N*(N-L-sdofminus)/L1 (robust) or chi2/(N-1)*(N-L-sdofminus)*(G-1)/G/L1 (cluster);",
                      "first-stage and AR F likewise with sdofminus; KP rk LM, Hansen J, C, Stock-Wright S and the chi2 forms do not depend on sdofminus (ranktest and m_omega ignore it)."),
    df_a = "reghdfe 6 FixedEffects::estimate_dof: FE equal to / nested in a cluster variable -> all levels redundant (df_a_nested); of the remaining FEs the first is exact, the others lose at least one level (pairwise mobility groups). See absorbed_df in each model.",
    models = "twoway_*: Baltagi's FE2SLS (lprbarr, lpolpc instrumented by ltaxpc, lmix; 14 exogenous regressors; absorb county and year; exactly identified: Hansen J not applicable). overid_twoway_*: lprbarr treated as exogenous, lpolpc instrumented by ltaxpc and lmix (overidentified by 1). oneway_yeardummies_cluster: absorb(county), year dummies yr82..yr87 (columns of data.csv, base 1981) as regressors, cluster(county)."),
  published_check = "Baltagi (2006) FE2SLS lprbarr -0.576 (0.802), lpolpc 0.658 (0.847) asserted (coefficients and iid SEs with s2 = RSS/(N-K-96)); plm within-IV (two-ways) coefficients asserted.",
  gretl_check = gretl_note,
  models = models
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "with", length(models), "models\n")
