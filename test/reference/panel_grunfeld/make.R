# Reference values: panel estimators on plm::Grunfeld (10 US firms x 20 years, 1935-1954).
# Run: Rscript test/reference/panel_grunfeld/make.R
source("test/reference/panel_common.R")
dir <- "test/reference/panel_grunfeld"

data("Grunfeld", package = "plm")
d0 <- Grunfeld[order(Grunfeld$firm, Grunfeld$year), c("firm", "year", "inv", "value", "capital")]
write_csv_exact(d0, file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
stopifnot(nrow(d) == 200, identical(d$inv, Grunfeld$inv), identical(d$value, Grunfeld$value))

res <- panel_reference(d, "inv", c("value", "capital"), "firm", "year")

# Published Stata output for webuse grunfeld (invest mvalue kstock), same data:
#   xtreg, fe:  b .1101238 .3100653, se .0118567 .0173545, _cons -58.74393 (12.45369),
#               sigma_u 85.732501, sigma_e 52.767964, rho .72525012,
#               R2 within .7668 between .8194, F(2,188) = 309.01, F(9,188) u_i=0: 49.18
#   xtreg, fe vce(robust) (= cluster firm): se .0151945 .0527518, _cons se 27.60286, F(2,9) = 28.31
#   xtreg, re:  b .1097811 .308113 _cons -57.83441,
#               sigma_u 84.20095, R2 within .7668 between .8196 overall .8061
#   hausman fe re: chi2(2) = 2.33, Prob>chi2 = 0.3119
M <- setNames(res$models, vapply(res$models, `[[`, "", "name"))
# The published values are rounded to 4-8 significant digits: require agreement to the
# published digits (absolute tol = 1 unit in the last digit, or 1e-6 relative, whichever is larger).
chk <- function(got, want, tol) {
  cat(sprintf("  %-14.10g published %-12.10g\n", got, want))
  if (abs(got - want) > max(2 * tol, 1e-6 * abs(want))) stop(sprintf("published Stata check: %.10g vs %.10g", got, want))
}
fo <- M$fe_oneway_iid; fc <- M$fe_oneway_cluster; rr <- M$re_swar_iid
chk(fo$coefficients$value$estimate, .1101238, 5e-8); chk(fo$coefficients$capital$estimate, .3100653, 5e-8)
chk(fo$coefficients$value$std_error, .0118567, 5e-8); chk(fo$coefficients$capital$std_error, .0173545, 5e-8)
chk(fo$stata_constant$estimate, -58.74393, 5e-6); chk(fo$stata_constant$std_error, 12.45369, 5e-6)
chk(fo$fit$sigma_u, 85.732501, 5e-7); chk(fo$fit$sigma_e, 52.767964, 5e-7); chk(fo$fit$rho, .72525012, 5e-9)
chk(fo$fit$f_stat, 309.01, 5e-3); chk(fo$fit$f_all_u_zero, 49.18, 5e-3)
chk(fc$coefficients$value$std_error, .0151945, 5e-8); chk(fc$coefficients$capital$std_error, .0527518, 5e-8)
chk(fc$stata_constant$std_error, 27.60286, 5e-6); chk(fc$fit$f_stat, 28.31, 5e-3)
chk(rr$coefficients$value$estimate, .1097811, 1e-7); chk(rr$coefficients$capital$estimate, .308113, 5e-7)
chk(rr$coefficients$`(Intercept)`$estimate, -57.83441, 5e-6)
chk(rr$fit$sigma_u, 84.20095, 5e-6)
chk(fo$fit$r2_within, .7668, 5e-5); chk(fo$fit$r2_between, .8194, 5e-5)
chk(rr$fit$r2_within, .7668, 5e-5); chk(rr$fit$r2_between, .8196, 5e-5); chk(rr$fit$r2_overall, .8061, 5e-5)
chk(res$hausman$statistic, 2.33, 5e-3); chk(res$hausman$p_value, .3119, 5e-5)
cat("Grunfeld: all published Stata values reproduced\n")

write_json_file(list(
  source = paste0(r_source_string(c("plm", "sandwich", "estimatr")), ". Data: plm::Grunfeld (Grunfeld investment data, 10 firms x 20 years)."),
  script = "make.R",
  data = "data.csv",
  panel = list(id = "firm", time = "year", nobs = res$counts$nobs, n_groups = res$counts$n_groups,
               n_periods = res$counts$n_periods, balanced = res$counts$balanced),
  published_check = "Asserted (to the published digits) against Stata output for 'webuse grunfeld' (same data): xtreg fe b, SE, _cons and its SE, sigma_u, sigma_e, rho, R2 within/between, F(2,188), F(9,188) for u_i=0; xtreg fe vce(robust) (= cluster by firm) SEs .0151945/.0527518, _cons SE 27.60286, F(2,9) = 28.31; xtreg re b, _cons, sigma_u, R2 within/between/overall; hausman chi2(2) = 2.33, p = .3119. Not checked against published output: FE r2_overall, RE SEs, theta, two-way models.",
  models = res$models,
  hausman = res$hausman
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
