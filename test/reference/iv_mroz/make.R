# Reference values: IV / 2SLS / LIML on Mroz (1987) data, AER::PSID1976, the 428 working women
# (participation == "yes"). Returns to schooling with parents' (and husband's) education as instruments
# (Wooldridge, Introductory Econometrics, Examples 15.1-15.5 / 15.40), plus the ivreg2 help-file model
# lwage exper expersq (educ = age kidslt6 kidsge6), checked against Stata ivreg2 output.
# Run: Rscript test/reference/iv_mroz/make.R
source("test/reference/iv_common.R")
dir <- "test/reference/iv_mroz"
log <- new.env(); log$check_log <- character(0)

data("PSID1976", package = "AER")
P <- PSID1976[PSID1976$participation == "yes", ]
d0 <- data.frame(
  wage = P$wage, lwage = log(P$wage), education = P$education, experience = P$experience,
  expersq = P$experience^2, age = P$age, youngkids = P$youngkids, oldkids = P$oldkids,
  feducation = P$feducation, meducation = P$meducation, heducation = P$heducation,
  city = as.character(P$city), stringsAsFactors = FALSE)
rownames(d0) <- NULL
write_csv_exact(d0, file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
stopifnot(nrow(d) == 428, identical(d$lwage, d0$lwage), all(d$expersq == d0$expersq))
N <- nrow(d)
G_age <- length(unique(d$age))

mk <- function(cols) { M <- as.matrix(d[cols]); colnames(M) <- cols; M }
one <- matrix(1, N, 1, dimnames = list(NULL, "(Intercept)"))
X2 <- cbind(mk(c("experience", "expersq")), one)
y <- d$lwage
X1 <- mk("education")
Z1a <- mk(c("feducation", "meducation"))
Z1b <- mk(c("feducation", "meducation", "heducation"))
Z1h <- mk(c("age", "youngkids", "oldkids"))

models <- list()
add <- function(name, fit, checks, computed_by, exog = c("experience", "expersq"), extra = list()) {
  models[[length(models) + 1]] <<- iv_entry(name, fit, "lwage", exog, cluster_name = if (fit$vcov == "cluster") "age" else NULL,
                                            computed_by = computed_by, checks = checks, extra = extra)
}
fml_a <- lwage ~ education + experience + expersq | experience + expersq + feducation + meducation
fml_b <- lwage ~ education + experience + expersq | experience + expersq + feducation + meducation + heducation
fml_h <- lwage ~ education + experience + expersq | experience + expersq + age + youngkids + oldkids
cb <- "b, V and every statistic by hand in test/reference/iv_common.R (ivreg2 4.1.11 / ranktest 2.0.04 / livreg2 m_omega formulas)"

run <- function(Z1, fml, vcov, small, estimator = "2sls", endog = "education", fs_check = TRUE) {
  log$check_log <- character(0)
  cl <- if (vcov == "cluster") d$age else NULL
  fit <- iv_ref(y, X1, X2, Z1, cons = TRUE, vcov = vcov, cluster = cl, small = small, estimator = estimator,
                endog_test = if (estimator == "2sls") endog else NULL)
  if (estimator == "2sls") check_against_aer(fit, fml, d, log, cluster = cl)
  if (fs_check) check_first_stage_lm(fit, d, "education", c("experience", "expersq"), colnames(Z1), log, cluster = cl)
  list(fit = fit, checks = log$check_log)
}

# ---------------------------------------------------------------- A: Wooldridge, instruments feduc meduc
for (v in list(c("iid", FALSE), c("iid", TRUE), c("robust", FALSE), c("robust", TRUE), c("cluster", FALSE), c("cluster", TRUE))) {
  r <- run(Z1a, fml_a, v[1], as.logical(v[2]))
  add(sprintf("parents_%s%s", v[1], if (as.logical(v[2])) "_small" else ""), r$fit, r$checks, cb)
}
# Textbook check (Wooldridge Example 15.5: educ coefficient .0614 (.0314) with classical s^2 = RSS/(N-K)).
chk <- models[[2]]$coefficients$education
stopifnot(abs(chk$estimate - 0.0614) < 5e-5, abs(chk$std_error - 0.0314) < 5e-5)

# ---------------------------------------------------------------- B: + husband's education (L1 = 3)
for (v in list(c("iid", FALSE), c("robust", FALSE), c("cluster", TRUE))) {
  r <- run(Z1b, fml_b, v[1], as.logical(v[2]))
  add(sprintf("parents_husband_%s%s", v[1], if (as.logical(v[2])) "_small" else ""), r$fit, r$checks, cb)
}

# ---------------------------------------------------------------- LIML
# LIML cross-check: k-class formula evaluated independently with AER-free algebra (beta = argmin of the
# LIML variance ratio): lambda also equals min over b of (y-Xb)'M_X2(y-Xb)/(y-Xb)'M_Z(y-Xb) at the optimum.
liml_check <- function(fit, Z1) {
  Zall <- cbind(Z1, X2); u <- fit$e
  ratio <- sum(resid_on(X2, u)^2) / sum(resid_on(Zall, u)^2)
  stopifnot_close(ratio, fit$lambda, 1e-9, "LIML: lambda = variance ratio at the LIML estimate")
  f <- function(bb) { u <- y - cbind(X1, X2) %*% bb; sum(resid_on(X2, u)^2) / sum(resid_on(Zall, u)^2) }
  o <- optim(fit$b, f, method = "BFGS", control = list(reltol = 1e-15, maxit = 1000))
  stopifnot(o$value >= fit$lambda - 1e-12)
  stopifnot_close(o$par, fit$b, 1e-5, "LIML: b minimises the variance ratio (numerical optimiser)")
  "LIML lambda = (y-Xb)'M_X2(y-Xb)/(y-Xb)'M_Z(y-Xb) at b_LIML (1e-9) and b_LIML = argmin of that ratio by optim() (1e-5)"
}
for (v in list(list(Z1a, "parents", "iid"), list(Z1b, "parents_husband", "iid"), list(Z1b, "parents_husband", "robust"))) {
  log$check_log <- character(0)
  fit <- iv_ref(y, X1, X2, v[[1]], cons = TRUE, vcov = v[[3]], estimator = "liml")
  ch <- liml_check(fit, v[[1]])
  add(sprintf("liml_%s_%s", v[[2]], v[[3]]), fit, ch, cb)
}

# ---------------------------------------------------------------- C: the ivreg2 help-file model
# ivreg2 lwage exper expersq (educ=age kidslt6 kidsge6) [, endog(educ)] [, robust ffirst]
# Stata values: ivreg2 4.1.11 output on Wooldridge's mroz.dta, published as test fixtures of the R package
# ivreg2r (github restatr/ivreg2r, tests/stata-benchmarks/fixtures/hf_mroz_{coef,diagnostics,vcov}_H31/H33/H54.csv,
# mroz_dofminus_*). mroz.dta stores lwage as float, so agreement is ~1e-7 relative, not 1e-15.
stata <- list(
  b = c(education = .0964002390345153, experience = .0421929714279041, expersq = -.0008323109737324, "(Intercept)" = -.3848718108632208),
  se_iid = c(education = .0814277624202036, experience = .0138830571423609, expersq = .0004204063982099, "(Intercept)" = 1.01155116073837),
  se_robust = c(education = .0864625931391508, experience = .0166584571939131, expersq = .0004707016821279, "(Intercept)" = 1.059933004776554),
  V_iid_educ_cons = -.0820147736909062,
  iid = c(r2 = .1555984002958839, r2_a = .149623860675336, r2u = .7726865523377644, rss = 188.5780570946504, rmse = .6637792834497275,
          F = 7.493900655892729, sargan = .7015124317084478, idstat = 12.81582310684222, cdf = 4.342070862428497, estat = .0191471371914567),
  robust = c(F = 6.017151080163226, j = .5138487725388226, idstat = 11.23055884485077, cdf = 4.342070862428497, widstat = 5.021219248782474,
             arf = .5795624306621397, archi2 = 1.763407964384331, sstat = 1.661956948524388),
  dofm_iid = c(rmse = .6645560880261882, r2_a = .1455936420055508, F = 7.458552067893235, sargan = .6998733839708102, idstat = 12.78587959491035,
               cdf = 4.321492327535472, arf = .6089899964787056, archi2 = 1.857419489260052, estat = .0191024008896072, sstat = 1.849374840847088,
               fs_rmse = 2.263985768926156, fs_shea = .0299435119318488, fs_pr2 = .0299435119318741, fs_F = 4.321492327535434, fs_SWchi2 = 13.18055159898308),
  dofm_robust = c(F = 5.988768292050721, j = .5126481912945736, idstat = 11.20431922138149, widstat = 4.997422001157912, arf = .5768156892845933,
                  archi2 = 1.75928785231801, estat = .0012967551861014, sstat = 1.658073871541859, fs_F = 4.997422001157875, fs_SWchi2 = 15.24213710353152))
rs <- 2e-6   # float-stored lwage in mroz.dta
stata_check <- function(a, b, what) { stopifnot_close(a, b, rs, paste("Stata:", what)); invisible(sprintf("Stata ivreg2 %s (rel %.0e)", what, rs)) }
# endog() C is a small difference of two J statistics (~0.5), so the float-data noise is checked in absolute terms
stata_check_abs <- function(a, b, what, tol = 1e-7) { stopifnot(abs(a - b) < tol); invisible(sprintf("Stata ivreg2 %s (abs %.0e)", what, tol)) }
hv <- function(fit) fit$fs$endog$education

log$check_log <- character(0)
fh <- iv_ref(y, X1, X2, Z1h, cons = TRUE, vcov = "iid", endog_test = "education")
check_against_aer(fh, fml_h, d, log)
check_first_stage_lm(fh, d, "education", c("experience", "expersq"), colnames(Z1h), log)
sc <- c(log$check_log,
  stata_check(fh$b[names(stata$b)], stata$b, "b (H31)"), stata_check(sqrt(diag(fh$V))[names(stata$b)], stata$se_iid, "SE (H33)"),
  stata_check(fh$V["education", "(Intercept)"], stata$V_iid_educ_cons, "V[educ,_cons] (H31)"),
  stata_check(c(fh$fit$r2, fh$fit$adj_r2, fh$fit$r2_uncentered, fh$fit$rss, fh$fit$rmse, fh$fit$f_stat, fh$J, fh$idstat, fh$cdf),
              stata$iid[names(stata$iid) != "estat"], "r2 r2_a r2u rss rmse F sargan idstat cdf (H31)"),
  stata_check_abs(fh$endog$statistic, stata$iid[["estat"]], "endog(educ) C (H33)"))
add("helpfile_iid", fh, sc, cb, extra = list(published_check = "ivreg2 help file (Mroz) model; Stata 4.1.11 values asserted (fixtures hf_mroz_H31/H33 of restatr/ivreg2r)."))

log$check_log <- character(0)
fr <- iv_ref(y, X1, X2, Z1h, cons = TRUE, vcov = "robust", endog_test = "education")
check_against_aer(fr, fml_h, d, log)
check_first_stage_lm(fr, d, "education", c("experience", "expersq"), colnames(Z1h), log)
sc <- c(log$check_log,
  stata_check(sqrt(diag(fr$V))[names(stata$b)], stata$se_robust, "robust SE (H54)"),
  stata_check(c(fr$fit$f_stat, fr$J, fr$idstat, fr$cdf, fr$rkf, fr$fs$ar$f_stat, fr$fs$ar$chi2, fr$fs$sw_s$statistic), stata$robust,
              "F hansen_j KP_LM cdf KP_Wald_F arf archi2 sstat (H54)"),
  stata_check(hv(fr)$f_stat, stata$robust[["widstat"]], "robust first-stage F = KP Wald F when K1 = 1 (H54)"))
add("helpfile_robust", fr, sc, cb, extra = list(published_check = "ivreg2 help file (Mroz) model, robust; Stata 4.1.11 values asserted (fixture hf_mroz_H54)."))

# dofminus(1) sdofminus(1): the two degree-of-freedom knobs (sdofminus is what ivreghdfe uses for absorbed FE).
# Asserted against Stata, not stored as models.
fd <- iv_ref(y, X1, X2, Z1h, cons = TRUE, vcov = "iid", dofminus = 1, sdofminus = 1, endog_test = "education")
stata_check_abs(fd$endog$statistic, stata$dofm_iid[["estat"]], "dofminus iid endog C")
stata_check(c(fd$fit$rmse, fd$fit$adj_r2, fd$fit$f_stat, fd$J, fd$idstat, fd$cdf, fd$fs$ar$f_stat, fd$fs$ar$chi2, fd$fs$sw_s$statistic,
              hv(fd)$rmse, hv(fd)$shea_partial_r2, hv(fd)$partial_r2, hv(fd)$f_stat, hv(fd)$sw$chi2), stata$dofm_iid[names(stata$dofm_iid) != "estat"], "dofminus(1) sdofminus(1) iid: all diagnostics + first stage")
fdr <- iv_ref(y, X1, X2, Z1h, cons = TRUE, vcov = "robust", dofminus = 1, sdofminus = 1, endog_test = "education")
stata_check_abs(fdr$endog$statistic, stata$dofm_robust[["estat"]], "dofminus robust endog C")
stata_check(c(fdr$fit$f_stat, fdr$J, fdr$idstat, fdr$rkf, fdr$fs$ar$f_stat, fdr$fs$ar$chi2, fdr$fs$sw_s$statistic,
              hv(fdr)$f_stat, hv(fdr)$sw$chi2), stata$dofm_robust[names(stata$dofm_robust) != "estat"], "dofminus(1) sdofminus(1) robust: all diagnostics + first stage")
dofm_note <- "Also asserted (not stored): the help-file model with dofminus(1) sdofminus(1), iid and robust, against Stata fixtures mroz_dofminus_* (rmse, r2_a, F, Sargan/Hansen J, Anderson LM / KP LM, CD F, KP Wald F, AR F and chi2, endog C, Stock-Wright S, first-stage rmse/Shea/partial R2/F/SW chi2), rel 2e-6 (endog C: abs 1e-7)."

# ---------------------------------------------------------------- gretl second check
gretl <- NULL
if (gretl_available()) {
  csv <- normalizePath(file.path(dir, "data.csv"))
  pr <- function(tag) sprintf('loop i=1..4 --quiet\n printf "@@ %s_b%%d %%.17g\\n", i, $coeff[i]\n printf "@@ %s_se%%d %%.17g\\n", i, $stderr[i]\nendloop', tag, tag)
  sc <- c(sprintf('open "%s" --quiet', csv),
          "list Z = const experience expersq feducation meducation",
          "tsls lwage const education experience expersq ; Z --quiet", pr("iid"),
          'printf "@@ iid_sargan %.17g\\n", $sargan[1]', 'printf "@@ iid_hausman %.17g\\n", $hausman[1]',
          "tsls lwage const education experience expersq ; Z --robust --quiet", pr("hc0"),
          "tsls lwage const education experience expersq ; Z --cluster=age --quiet", pr("cl"),
          "tsls lwage const education experience expersq ; const experience expersq feducation meducation heducation --liml --quiet", pr("liml"),
          'bundle bl = $model', 'printf "@@ liml_lambda %.17g\\n", bl.lmin',
          "tsls lwage const education experience expersq ; Z --quiet", 'bundle bi = $model',
          'printf "@@ iid_stage1F %.17g\\n", bi.stage1_F', 'printf "@@ iid_gmin %.17g\\n", bi.gmin')
  gv <- run_gretl(sc)
  ord <- c("(Intercept)", "education", "experience", "expersq")
  fA <- iv_ref(y, X1, X2, Z1a, cons = TRUE, vcov = "iid", small = TRUE, endog_test = "education")
  fAr <- iv_ref(y, X1, X2, Z1a, cons = TRUE, vcov = "robust")
  fAc <- iv_ref(y, X1, X2, Z1a, cons = TRUE, vcov = "cluster", cluster = d$age, small = TRUE)
  fL <- iv_ref(y, X1, X2, Z1b, cons = TRUE, vcov = "iid", estimator = "liml")
  g <- function(tag, what) gv[paste0(tag, "_", what, 1:4)]
  stopifnot_close(g("iid", "b"), fA$b[ord], 1e-9, "gretl tsls b")
  stopifnot_close(g("iid", "se"), sqrt(diag(fA$V))[ord], 1e-9, "gretl tsls SE = ivreg2 small iid")
  stopifnot_close(g("hc0", "se"), sqrt(diag(fAr$V))[ord], 1e-9, "gretl tsls --robust (HC0) SE = ivreg2 robust")
  stopifnot_close(g("cl", "se"), sqrt(diag(fAc$V))[ord], 1e-9, "gretl tsls --cluster SE = ivreg2 cluster small")
  stopifnot_close(gv[["iid_sargan"]], fA$J, 1e-9, "gretl Sargan = ivreg2 Sargan")
  # gretl's "Hausman test" is the control-function (Durbin-Wu-Hausman regression) Wald: t^2 of the first-stage residual
  # added to the OLS regression, with sigma2 = RSS/N of that augmented regression. It is NOT ivreg2's endog() C
  # (= Durbin's form with the OLS sigma2); both are recorded.
  vfs <- residuals(lm(education ~ experience + expersq + feducation + meducation, data = d))
  aug <- lm(lwage ~ education + experience + expersq + vfs, data = d)
  cf_wald <- coef(aug)[["vfs"]]^2 / (vcov(aug)["vfs", "vfs"] * (N - 5) / N)
  stopifnot_close(gv[["iid_hausman"]], cf_wald, 1e-9, "gretl Hausman = control-function Wald with sigma2 = RSS/N")
  gretl_hausman <- list(gretl_hausman = gv[["iid_hausman"]], ivreg2_endog_c = fA$endog$statistic,
    note = "parents model: gretl's Hausman (control-function Wald, sigma2 = RSS/N of the augmented OLS) vs ivreg2 endog() C (difference of Sargans, sigma2 of the OLS model); not the same statistic.")
  stopifnot_close(g("liml", "b"), fL$b[ord], 1e-8, "gretl LIML b")
  stopifnot_close(gv[["liml_lambda"]], fL$lambda, 1e-9, "gretl LIML lambda")
  stopifnot_close(gv[["iid_stage1F"]], fA$fs$endog$education$f_stat, 1e-9, "gretl first-stage F = ivreg2 iid first-stage F")
  stopifnot_close(gv[["iid_gmin"]], fA$cdf, 1e-9, "gretl Cragg-Donald (gmin) = ivreg2 cdf")
  gretl <- sprintf(paste("gretl %s (gretlcli tsls on this data.csv) agrees to 1e-9: coefficients; SEs of ivreg2 small iid (gretl default), robust (gretl --robust = HC0)",
                         "and small cluster (gretl --cluster = CR1); Sargan; first-stage F and Cragg-Donald statistic (gmin); LIML coefficients (1e-8) and lambda. gretl's Hausman test is a different statistic",
                         "(control-function Wald, %.6f) from ivreg2's endog() C (%.6f): see gretl_hausman."), gretl_version(), gv[["iid_hausman"]], fA$endog$statistic)
}

write_json_file(list(
  source = paste0(r_source_string(c("AER", "sandwich", "lmtest", "estimatr")),
                  ". Data: AER::PSID1976 (Mroz 1987, PSID 1975), the 428 women with participation == 'yes'; lwage = log(wage), expersq = experience^2."),
  script = "make.R", data = "data.csv",
  nobs = N, cluster_variable = list(name = "age", n_clusters = G_age, note = "clusters = single years of age (31 groups); chosen only to exercise the cluster formulas"),
  conventions = list(
    summary = "ivreg2 4.1.11 conventions (see iv_common.R): no small-sample correction by default (z tests, sigma2 = RSS/N, robust = HC0 on the IV design, cluster = CR0); `small` multiplies V by N/(N-K) (iid, robust) or (N-1)/(N-K)*G/(G-1) (cluster) and uses t/F on N-K or G-1 df.",
    models = "parents_*: lwage ~ education + experience + expersq, education instrumented by feducation, meducation (Wooldridge Ex. 15.5); parents_husband_*: + heducation (overidentified by 2); liml_*: LIML; helpfile_*: ivreg2 help-file model (education instrumented by age, youngkids = kidslt6, oldkids = kidsge6)."),
  published_check = paste("Wooldridge Example 15.5 (educ .0614, se .0314 with s^2 = RSS/(N-K)) asserted; ivreg2 help-file Mroz model asserted against Stata ivreg2 4.1.11 output (iid, robust, endog(), ffirst; rel 2e-6, float-stored lwage in Stata's mroz.dta).", dofm_note),
  gretl_check = if (is.null(gretl)) "gretl not available when generated" else gretl,
  gretl_hausman = if (is.null(gretl)) NULL else gretl_hausman,
  models = models
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "with", length(models), "models\n")
