# Reference values: IV / 2SLS / LIML on Griliches (1976) "Wages of very young men" (758 young men,
# NLS; Hayashi, Econometrics, ch. 3) -- the returns-to-schooling data set of the ivreg2 help file.
# Stands in for Card (1995): AER::SchoolingReturns is not in the installed AER 1.2.10 (it moved to the
# `ivreg` package, which is not installable here). Data: gretl's misc/griliches.gdt (the same values as
# Hayashi's griliches76.dta that the ivreg2 help file uses; Stata-float values kept exactly, e.g.
# lw = 5.9000000953674316), so the ivreg2 help-file numbers are reproduced to ~1e-12.
# Also verifies iv_common.R against Stata on two more gretl-shipped data sets (Klein model I: LIML robust;
# Arellano-Bond abdata: 3 endogenous regressors, cluster) -- asserted, not stored.
# Run: Rscript test/reference/iv_griliches/make.R   (needs gretl's data files, Debian package gretl-common)
source("test/reference/iv_common.R")
dir <- "test/reference/iv_griliches"
log <- new.env(); log$check_log <- character(0)
gdt <- "/usr/share/gretl/data/misc"

g <- read_gdt(file.path(gdt, "griliches.gdt"))
stopifnot(nrow(g) == 758)
yrs <- c(67, 68, 69, 70, 71, 73)                         # 1972 is absent; 1966 is the base (Stata xi i.year)
d0 <- data.frame(lw = g$lw, s = g$s, iq = g$iq, expr = g$expr, tenure = g$tenure, rns = g$rns, smsa = g$smsa,
                 year = g$year, med = g$med, kww = g$kww, age = g$age, mrt = g$mrt)
for (v in yrs) d0[[paste0("yr", v)]] <- as.numeric(g$year == v)
stopifnot(setequal(unique(d0$year), c(66, yrs)))
write_csv_exact(d0, file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
stopifnot(identical(d$lw, g$lw), identical(d$expr, g$expr), nrow(d) == 758)
N <- nrow(d)

mk <- function(cols) { M <- as.matrix(d[cols]); colnames(M) <- cols; storage.mode(M) <- "double"; M }
one <- matrix(1, N, 1, dimnames = list(NULL, "(Intercept)"))
ydum <- paste0("yr", yrs)
exog_h <- c("s", "expr", "tenure", "rns", "smsa", ydum)
y <- d$lw
cb <- "b, V and every statistic by hand in test/reference/iv_common.R (ivreg2 4.1.11 / ranktest 2.0.04 / livreg2 m_omega formulas)"
fml <- function(endog, exog, inst) as.formula(paste("lw ~", paste(c(endog, exog), collapse = " + "), "|", paste(c(exog, inst), collapse = " + ")))

models <- list()
add <- function(name, fit, exog, checks, extra = list())
  models[[length(models) + 1]] <<- iv_entry(name, fit, "lw", exog, cluster_name = if (fit$vcov == "cluster") "year" else NULL,
                                            computed_by = cb, checks = checks, extra = extra)
fitm <- function(endog, exog, inst, vcov, small = FALSE, estimator = "2sls", endog_test = endog, aer = TRUE, fs = TRUE) {
  log$check_log <- character(0)
  cl <- if (vcov == "cluster") d$year else NULL
  f <- iv_ref(y, mk(endog), cbind(mk(exog), one), mk(inst), cons = TRUE, vcov = vcov, cluster = cl, small = small,
              estimator = estimator, endog_test = if (estimator == "2sls") endog_test else NULL)
  if (aer && estimator == "2sls") check_against_aer(f, fml(endog, exog, inst), d, log, cluster = cl)
  if (fs) check_first_stage_lm(f, d, endog, exog, inst, log, cluster = cl)
  f
}
rel <- 1e-9
sc <- function(a, b, what) { stopifnot_close(a, b, rel, paste("Stata:", what)); log$check_log <- c(log$check_log, sprintf("Stata ivreg2 %s (rel %.0e)", what, rel)) }
stata_names <- c("iq", "s", "expr", "tenure", "rns", "smsa", ydum, "(Intercept)")

# ---------------------------------------------------------------- 1. ivreg2 help file: (iq = med kww age mrt)
# Stata ivreg2 4.1.11 output (ivreg2r fixtures hf_gril_H03 / H04 / H07 of github restatr/ivreg2r).
H03b <- c(.0001746548190536, .0691759165371425, .0298660176168207, .0432737557099837, -.1035896977211153, .1351148307805936,
          -.0525980101685825, .0794686146733005, .2108961519721291, .2386338206841864, .2284609152654112, .3258944180818484, 4.399550073532574)
H03se <- c(.0039034866324287, .0129366161551128, .0066392862388782, .007627122602696, .0294810280754372, .0266573499517113,
           .0476923887460446, .0447193514903833, .0439336381226658, .0509732527086045, .0437435674154845, .0407180874555071, .2685442769901983)
H04se <- c(.0039373966086826, .0130489978251258, .0066969623781616, .0076933801746304, .0297371326957716, .0268889249996043,
           .0481066972661338, .0451078329404107, .0443152940025937, .0514160624199464, .0441235721322925, .0410718095272697, .2708771478088671)
H07se <- c(.0041241264886033, .0132907228036063, .0066973686490906, .0073856678253966, .0297480194647824, .0263329678785975,
           .0457261145586451, .0428230892573025, .0408774133414908, .0529824774760293, .0426054373485744, .0405568599654247, .2900850217711869)
inst_h <- c("med", "kww", "age", "mrt")
exog_h <- c("s", "expr", "tenure", "rns", "smsa", ydum)

f <- fitm("iq", exog_h, inst_h, "iid")
sc(f$b[stata_names], H03b, "b (H03)"); sc(sqrt(diag(f$V))[stata_names], H03se, "SE (H03)")
sc(c(f$fit$r2, f$fit$adj_r2, f$fit$r2_uncentered, f$fit$rss, f$fit$rmse, f$fit$f_stat, f$J, f$idstat, f$cdf),
   c(.4255119134884073, .4162584141083548, .9967541200223199, 80.01823370030763, .3249076054992, 45.91281194099714, 87.65523169449543, 52.43586586757127, 13.78592341629545),
   "r2 r2_a r2u rss rmse F sargan Anderson_LM CD_F (H03)")
add("helpfile_iid", f, exog_h, log$check_log, list(published_check = "ivreg2 help-file example (ivreg2 lw s expr tenure rns smsa _I* (iq=med kww age mrt)); Stata values asserted at 1e-9."))

f <- fitm("iq", exog_h, inst_h, "iid", small = TRUE)
sc(sqrt(diag(f$V))[stata_names], H04se, "SE, small (H04)")
sc(c(f$fit$rmse, f$fit$f_stat, f$fs$ar$f_stat, f$fs$ar$chi2, f$fs$sw_s$statistic),
   c(.3277301101532846, 45.91281194099714, 24.22543410962487, 98.99126175253721, 87.55675787750535), "rmse F AR_F AR_chi2 Stock-Wright_S, small ffirst (H04)")
add("helpfile_iid_small", f, exog_h, log$check_log)

f <- fitm("iq", exog_h, inst_h, "robust")
sc(sqrt(diag(f$V))[stata_names], H07se, "robust SE (H07)")
sc(c(f$fit$f_stat, f$J, f$idstat, f$cdf, f$rkf), c(46.94238224114411, 74.16487762436985, 41.53655121016365, 13.78592341629545, 12.16664044347056),
   "F Hansen_J KP_LM CD_F KP_Wald_F (H07)")
add("helpfile_robust", f, exog_h, log$check_log)

f <- fitm("iq", exog_h, inst_h, "robust", small = TRUE)
add("helpfile_robust_small", f, exog_h, log$check_log)

for (v in c("iid", "robust")) {
  log$check_log <- character(0)
  f <- iv_ref(y, mk("iq"), cbind(mk(exog_h), one), mk(inst_h), cons = TRUE, vcov = v, estimator = "liml")
  add(paste0("helpfile_liml_", v), f, exog_h, character(0))
}

# ---------------------------------------------------------------- 2. cluster(year): help-file H27 (iq = med kww age)
# 7 clusters < 15 instruments: the cluster S is singular, so Stata reports no Hansen J.
H27b <- c(.0015289161721068, .0653219507422201, .0303855563912938, .0426809700997508, -.0996956525373139, .133932380483952,
          -.0534580609602436, .0800622215628765, .2091324460190428, .2330778898960098, .2253817311241886, .3242827693233697, 4.311919121042922)
H27se <- c(.0041246653833577, .016451794677016, .0124756192998919, .0060865034136995, .0396223453283871, .0161705863587391,
           .0197485803664739, .0233468444385845, .0180467594359589, .0252611863229775, .0279331497008234, .0370615055542941, .3420637659319075)
inst_c <- c("med", "kww", "age")
f <- fitm("iq", exog_h, inst_c, "cluster")
sc(f$b[stata_names], H27b, "b (H27)"); sc(sqrt(diag(f$V))[stata_names], H27se, "cluster SE (H27)")
sc(c(f$fit$r2, f$fit$adj_r2, f$fit$rss, f$idstat, f$cdf, f$rkf),
   c(.4291349331523855, .4199397911360481, 79.51359724051021, 5.782563703958423, 18.26906057136474, 32.62056354045993),
   "r2 r2_a rss KP_LM CD_F KP_Wald_F (H27, cluster(year), G = 7)")
stopifnot(is.na(f$J), is.na(f$fit$f_stat))
f$fit$f_stat_na <- paste(f$fit$f_stat_na, "Stata H27 prints F(12, 6) = 155.6699002301422: its -test- kept the 6 constraints tenure rns smsa yr68 yr70 yr73 (chi2 = 2214.48) and ivreg2 scaled by 1/12.")
log$check_log <- c(log$check_log, "Stata H27 reports no Hansen J (rank of the cluster S = 7 < L = 15): J is NA here too")
add("cluster_year", f, exog_h, log$check_log, list(published_check = "ivreg2 help-file example ivreg2 lw s expr tenure rns smsa _I* (iq=med kww age), cluster(year); Stata values asserted at 1e-9."))
f <- fitm("iq", exog_h, inst_c, "cluster", small = TRUE)
add("cluster_year_small", f, exog_h, log$check_log)

# ---------------------------------------------------------------- 3. exactly identified: (iq = med)
for (v in c("iid", "robust")) {
  f <- fitm("iq", exog_h, "med", v)
  stopifnot(f$jdf == 0)
  add(paste0("exactid_", v), f, exog_h, log$check_log)
}

# ---------------------------------------------------------------- 4. two endogenous: (s iq = med kww age mrt)
exog_2 <- c("expr", "tenure", "rns", "smsa", ydum)
for (v in list(c("iid", FALSE), c("robust", FALSE), c("robust", TRUE))) {
  f <- fitm(c("s", "iq"), exog_2, inst_h, v[1], small = as.logical(v[2]), endog_test = c("s", "iq"))
  # per-variable endog() tests as separate statistics
  f$endog_s <- endog_c_ref(y, mk(c("s", "iq")), cbind(mk(exog_2), one), mk(inst_h), "s", v[1], NULL, 0, "2sls")
  ent_extra <- list(endogeneity_s_only = list(variables = I("s"), statistic = f$endog_s$statistic, df = 1, p_value = f$endog_s$p_value,
                                              note = "ivreg2 endog(s): C test of s alone (iq kept endogenous)"))
  add(sprintf("two_endog_%s%s", v[1], if (as.logical(v[2])) "_small" else ""), f, exog_2, log$check_log, ent_extra)
}
f <- iv_ref(y, mk(c("s", "iq")), cbind(mk(exog_2), one), mk(inst_h), cons = TRUE, vcov = "iid", estimator = "liml")
add("two_endog_liml_iid", f, exog_2, character(0))

# SW/AP conditional first-stage F have L1 - K1 + 1 = 3 numerator df here (their formulas are verified against Stata on
# abdata, K1 = 3, below).
tw <- models[[which(vapply(models, `[[`, "", "name") == "two_endog_iid")]]
stopifnot(tw$first_stage$s$sw$f_df1 == 3, tw$first_stage$iq$sw$f_df1 == 3)

# ---------------------------------------------------------------- gretl second check (coefficients, SEs, LIML)
gretl_note <- "gretl not available when generated"
if (gretl_available()) {
  csv <- normalizePath(file.path(dir, "data.csv"))
  pr <- function(tag, k) sprintf('loop i=1..%d --quiet\n printf "@@ %s_b%%d %%.17g\\n", i, $coeff[i]\n printf "@@ %s_se%%d %%.17g\\n", i, $stderr[i]\nendloop', k, tag, tag)
  xl <- paste(c("const", "iq", exog_h), collapse = " ")
  zl <- paste(c("const", exog_h, inst_h), collapse = " ")
  x2 <- paste(c("const", "s", "iq", exog_2), collapse = " ")
  z2 <- paste(c("const", exog_2, inst_h), collapse = " ")
  gv <- run_gretl(c(sprintf('open "%s" --quiet', csv),
                    sprintf("tsls lw %s ; %s --quiet", xl, zl), pr("h", 13), 'printf "@@ h_sargan %.17g\\n", $sargan[1]',
                    sprintf("tsls lw %s ; %s --robust --quiet", xl, zl), pr("hr", 13),
                    sprintf("tsls lw %s ; %s --liml --quiet", xl, zl), pr("hl", 13), "bundle bl = $model", 'printf "@@ hl_lmin %.17g\\n", bl.lmin',
                    sprintf("tsls lw %s ; %s --quiet", x2, z2), pr("t", 13), "bundle bt = $model", 'printf "@@ t_gmin %.17g\\n", bt.gmin'))
  ord <- c("(Intercept)", "iq", exog_h)
  ord2 <- c("(Intercept)", "s", "iq", exog_2)
  G <- function(tag, w) gv[paste0(tag, "_", w, 1:13)]
  fh <- iv_ref(y, mk("iq"), cbind(mk(exog_h), one), mk(inst_h), TRUE, "iid", small = TRUE)
  fhr <- iv_ref(y, mk("iq"), cbind(mk(exog_h), one), mk(inst_h), TRUE, "robust")
  fhl <- iv_ref(y, mk("iq"), cbind(mk(exog_h), one), mk(inst_h), TRUE, "iid", estimator = "liml")
  ft <- iv_ref(y, mk(c("s", "iq")), cbind(mk(exog_2), one), mk(inst_h), TRUE, "iid", small = TRUE)
  stopifnot_close(G("h", "b"), fh$b[ord], 1e-9, "gretl b"); stopifnot_close(G("h", "se"), sqrt(diag(fh$V))[ord], 1e-9, "gretl SE")
  stopifnot_close(gv[["h_sargan"]], fh$J, 1e-9, "gretl Sargan")
  stopifnot_close(G("hr", "se"), sqrt(diag(fhr$V))[ord], 1e-9, "gretl --robust SE (HC0)")
  stopifnot_close(G("hl", "b"), fhl$b[ord], 1e-8, "gretl LIML b"); stopifnot_close(gv[["hl_lmin"]], fhl$lambda, 1e-9, "gretl LIML lambda")
  stopifnot_close(G("t", "b"), ft$b[ord2], 1e-9, "gretl two-endog b"); stopifnot_close(G("t", "se"), sqrt(diag(ft$V))[ord2], 1e-9, "gretl two-endog SE")
  stopifnot_close(gv[["t_gmin"]], ft$cdf, 1e-9, "gretl two-endog Cragg-Donald (gmin) = ivreg2 cdf")
  gretl_note <- sprintf("gretl %s (gretlcli tsls on this data.csv) agrees to 1e-9: help-file model b, SE (small iid), robust SE (HC0), Sargan, LIML b (1e-8) and lambda; two-endogenous b, SE and Cragg-Donald statistic (gmin = cdf).", gretl_version())
}

# ---------------------------------------------------------------- verification of iv_common.R on other Stata outputs
ext <- character(0)
# (a) Klein model I consumption equation, LIML robust: ivreg2 consump L.profits (profits wagetot = govt taxnetx year
#     wagegovt capital1 L.totinc), liml robust  (Stata: ivreg2r fixture klein_liml_*_hc1). gretl klein.gdt 1919-1941:
#     consump = C, profits = P, wagetot = Wp + Wg, govt = G, taxnetx = T, wagegovt = Wg, capital1 = K(-1), totinc = X.
kl <- read_gdt(file.path(gdt, "klein.gdt")); kl$year <- 1919:1941
lag1 <- function(v) c(NA, v[-length(v)])
kl$wagetot <- kl$Wp + kl$Wg; kl$Lprofits <- lag1(kl$P); kl$capital1 <- lag1(kl$K); kl$Ltotinc <- lag1(kl$X)
kl <- kl[complete.cases(kl[c("C", "P", "wagetot", "Lprofits", "G", "T", "Wg", "capital1", "Ltotinc")]), ]
stopifnot(nrow(kl) == 21)
km <- function(cols) { M <- as.matrix(kl[cols]); colnames(M) <- cols; M }
fk <- iv_ref(kl$C, km(c("P", "wagetot")), cbind(km("Lprofits"), matrix(1, 21, 1, dimnames = list(NULL, "(Intercept)"))),
             km(c("G", "T", "year", "Wg", "capital1", "Ltotinc")), TRUE, "robust", estimator = "liml")
stopifnot_close(c(fk$b, sqrt(diag(fk$V))),
  c(-.222513264093629, .8225586879530686, .3960272021882634, 17.1476580470465, .321565627383793, .0484627761842949, .2451628501404485, 1.996725094736351),
  2e-6, "Stata klein LIML robust b, SE")
stopifnot_close(c(fk$lambda, fk$J, fk$idstat, fk$cdf, fk$rkf, fk$fit$rss, fk$fit$f_stat, fk$N * log(fk$lambda), fk$N * (fk$lambda - 1)),
  c(1.498745715457545, 5.243870080100136, 4.923932884925232, 2.893414242428986, 3.656255684705772, 40.8842117490432, 163.9169059929476, 8.497199940843133, 10.47366002460845),
  2e-6, "Stata klein LIML robust lambda J KP_LM CD_F KP_F rss F arubin arubin_lin")
ext <- c(ext, "Klein model I (gretl klein.gdt), LIML robust, 2 endogenous, N = 21: b, SE (LIML robust bread), lambda, Hansen J, KP LM, CD F, KP Wald F, RSS, F, Anderson-Rubin overid LR/linear = Stata ivreg2 (fixture klein_liml_*_hc1) to 2e-6 (float data)")
# (b) Arellano-Bond abdata, 2SLS with 3 endogenous, cluster(id): ivreg2 n (w k ys = D.w D.k D.ys D2.w D2.k D2.ys),
#     cluster(id) first endog(w)  (Stata: ivreg2r fixture ab_cl_*_cl). D2 = second difference.
ab <- read_gdt(file.path(gdt, "abdata.gdt"))
ab <- ab[order(ab$unit, ab$YEAR), ]
lagu <- function(v, u) { o <- c(NA, v[-length(v)]); o[c(TRUE, u[-1] != u[-length(u)])] <- NA; o }
for (v in c("w", "k", "ys")) {
  ab[[paste0("D", v)]] <- ab[[v]] - lagu(ab[[v]], ab$unit)
  ab[[paste0("D2", v)]] <- ab[[paste0("D", v)]] - lagu(ab[[paste0("D", v)]], ab$unit)
}
abv <- c("n", "w", "k", "ys", "Dw", "Dk", "Dys", "D2w", "D2k", "D2ys")
ab <- ab[complete.cases(ab[abv]), ]
stopifnot(nrow(ab) == 751, length(unique(ab$unit)) == 140)
am <- function(cols) { M <- as.matrix(ab[cols]); colnames(M) <- cols; M }
fa <- iv_ref(ab$n, am(c("w", "k", "ys")), matrix(1, 751, 1, dimnames = list(NULL, "(Intercept)")), am(c("Dw", "Dk", "Dys", "D2w", "D2k", "D2ys")),
             TRUE, "cluster", cluster = ab$unit, endog_test = "w")
stopifnot_close(c(fa$b, sqrt(diag(fa$V))), c(.2068228811129662, .6566704809414203, -.359863392388695, 2.330018950007609,
                                             .437212187645423, .0901391442596863, .6003567889049122, 3.846965390810932), 3e-5, "Stata abdata cluster b, SE")
stopifnot_close(c(fa$fit$r2, fa$fit$rss, fa$fit$f_stat, fa$J, fa$idstat, fa$cdf, fa$rkf, fa$fs$ar$f_stat, fa$fs$ar$chi2, fa$endog$statistic, fa$fs$sw_s$statistic),
  c(.7968844962830021, 274.3870587565338, 21.63226646845012, 7.540198390518064, 29.78650262720528, 1.635189969309412, 10.72610384764291,
    12.42399420491589, 75.68573865839916, .3591424019379055, 51.94396793742415), 3e-5, "Stata abdata cluster r2 rss F J KP_LM CD_F KP_F AR_F AR_chi2 endog_C S")
# (c) same abdata model with ffirst, iid / robust / cluster: first-stage rmse, Shea partial R2, partial R2, F and the
#     Sanderson-Windmeijer and Angrist-Pischke F, chi2 and partial R2 for each of w, k, ys (fixtures ab_fs_firststage_*).
ab_fs <- list(
  iid = rbind(rmse = c(.2504184290928194, 1.483862251936543, .064875760003512), shea = c(.0150121897017517, .0413004087019434, .080050967620677),
    pr2 = c(.0627680509178606, .0695882453825481, .4212315478885988), F = c(8.304495297495022, 9.274326538344134, 90.24802880605611),
    SWF = c(2.50384729654588, 4.765818473905013, 2.90795594792763), SWchi2 = c(10.10961999841912, 19.24263265539067, 11.74126299405188),
    SWr2 = c(.0132827384292424, .0249825598318964, .0153935070301073), APF = c(2.948853429788837, 8.14780967212474, 25.3720366071047),
    APchi2 = c(11.90639207403987, 32.89787668691226, 102.4430080211593), APr2 = c(.0156066225132432, .0419670440057227, .1200349725269756)),
  robust = rbind(F = c(10.24735903063907, 9.918667787486758, 92.15253458778879), SWF = c(3.248209745742851, 5.268642389266793, 3.224761797979839),
    SWchi2 = c(13.11508343576818, 21.27285179752345, 13.02040919506913), APF = c(4.060858224770098, 7.782800325687617, 11.2912653497792),
    APchi2 = c(16.3962608967868, 31.42410239027635, 45.5900014929257)),
  cluster = rbind(F = c(54.24096129384384, 14.6942809975825, 75.41797534530424), SWF = c(27.04417800688148, 11.42791153383875, 16.94221971428251),
    SWchi2 = c(109.8336308007486, 46.41180130939384, 68.80687978648038), APF = c(27.63983680333517, 26.78028196492482, 18.93649047632744),
    APchi2 = c(112.252760282749, 108.7618784836817, 76.90614605145745)))
getfs <- function(f, what) vapply(c("w", "k", "ys"), function(x) { e <- f$fs$endog[[x]]
  switch(what, rmse = e$rmse, shea = e$shea_partial_r2, pr2 = e$partial_r2, F = e$f_stat, SWF = e$sw$f_stat, SWchi2 = e$sw$chi2,
         SWr2 = e$sw$partial_r2, APF = e$ap$f_stat, APchi2 = e$ap$chi2, APr2 = e$ap$partial_r2) }, 0)
for (v in names(ab_fs)) {
  fv <- iv_ref(ab$n, am(c("w", "k", "ys")), matrix(1, 751, 1, dimnames = list(NULL, "(Intercept)")), am(c("Dw", "Dk", "Dys", "D2w", "D2k", "D2ys")),
               TRUE, v, cluster = if (v == "cluster") ab$unit else NULL)
  for (w in rownames(ab_fs[[v]])) stopifnot_close(getfs(fv, w), ab_fs[[v]][w, ], 1e-5, paste("Stata abdata first stage", v, w))
}
ext <- c(ext, "abdata 3-endogenous first stage (ffirst), iid / robust / cluster(id): rmse, Shea partial R2, partial R2, F, Sanderson-Windmeijer F/chi2/partial R2, Angrist-Pischke F/chi2/partial R2 for w, k, ys = Stata ivreg2 (fixtures ab_fs_firststage_*) to 1e-5")
ext <- c(ext, "Arellano-Bond abdata (gretl abdata.gdt), 2SLS, 3 endogenous, 6 excluded instruments, cluster(id) G = 140, N = 751: b, SE, r2, RSS, F, Hansen J, KP rk LM, CD F, KP rk Wald F, AR F and chi2, endog(w) C, Stock-Wright S = Stata ivreg2 (fixture ab_cl_*_cl) to 3e-5 (gretl's abdata holds the logs rounded to 6-7 digits, Stata's are floats; the model is weakly identified, CD F = 1.6)")

write_json_file(list(
  source = paste0(r_source_string(c("AER", "sandwich", "lmtest", "estimatr")),
                  ". Data: Griliches (1976), 758 young men from the NLS, as shipped by gretl (misc/griliches.gdt; = Hayashi's griliches76.dta used by the ivreg2 help file). Year dummies yr67..yr73 (base 1966; no 1972 observations)."),
  script = "make.R", data = "data.csv", nobs = N,
  substitution = "The brief asked for Card (1995) via AER::SchoolingReturns; that data set is not in the installed AER 1.2.10 (moved to the ivreg package). Griliches (1976) is the same question (returns to schooling, instrumented ability/schooling) and is the ivreg2 help file's own example, so Stata output exists for it.",
  cluster_variable = list(name = "year", n_clusters = 7, note = "the ivreg2 help file's cluster(year) example; only 7 clusters, so J is not computable"),
  conventions = list(summary = "ivreg2 4.1.11 conventions, see iv_common.R and the README (no small-sample correction unless small; z tests; Sargan under iid, Hansen J otherwise).",
                     models = "helpfile_*: lw ~ iq + s + expr + tenure + rns + smsa + year dummies, iq instrumented by med kww age mrt; cluster_year*: instruments med kww age, cluster(year); exactid_*: iq instrumented by med only; two_endog_*: s and iq instrumented by med kww age mrt (Sanderson-Windmeijer / Angrist-Pischke F, Shea partial R2)."),
  published_check = "helpfile_iid, helpfile_iid_small, helpfile_robust and cluster_year asserted against Stata ivreg2 4.1.11 output at 1e-9 (fixtures hf_gril_H03/H04/H07/H27 of github restatr/ivreg2r, computed on the identical float data).",
  gretl_check = gretl_note,
  verification_other_data = I(ext),
  models = models
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "with", length(models), "models\n")
