# Panel Studio: plm::pgmm reference values on the Arellano-Bond data.
# Run from this directory:  Rscript make.R > pgmm_output.txt 2>&1
# Result lines:  @@|model_id|kind|name|value[|value]   (collected by build_expected.py)
suppressPackageStartupMessages(library(plm))
options(warn = 1)  # print warnings as they occur (they are recorded per model)

fmt <- function(x) sprintf("%.17g", x)
out <- function(id, kind, name, ...) cat("@@", id, kind, name, paste(vapply(list(...), fmt, ""), collapse = "|"), sep = "|", fill = FALSE, "\n")
emit <- function(id, kind, name, ...) cat(paste(c("@@", id, kind, name, vapply(list(...), fmt, "")), collapse = "|"), "\n", sep = "")

readpd <- function(f) {
  d <- read.csv(f, colClasses = c("integer", "integer", "numeric", "numeric", "numeric", "numeric"))
  pdata.frame(d, index = c("id", "year"))
}

# One-step Sargan proper, as xtabond2/gretl define it (checked against gretl):
#   S = (sum_i Z_i'u_i)' (sum_i Z_i'H Z_i)^{-1} (sum_i Z_i'u_i) / sigma2
# pgmm stores A1 = N * (sum_i Z_i'H Z_i)^{-1}; sigma2 passed in.
dump <- function(id, m, robust_default = TRUE) {
  cat("=== MODEL", id, "===\n")
  model <- plm:::describe(m, "model")
  b <- coef(m)
  Vr <- vcovHC(m)
  Vn <- vcov(m)
  for (j in seq_along(b)) {
    emit(id, "coef", names(b)[j], b[j], sqrt(Vr[j, j]), sqrt(Vn[j, j]))
  }
  emit(id, "scalar", "nobs_nonzero_resid", nobs(m))
  emit(id, "scalar", "n_groups", length(m$W))
  emit(id, "scalar", "n_instruments", ncol(m$W[[1]]))
  trans <- plm:::describe(m, "transformation")
  # residuals by equation
  res <- m$residuals
  nd <- NROW(m$model[[1]])
  if (trans == "d") {
    ud <- unlist(res); ul <- numeric(0)
  } else {
    Kt <- length(m$args$namest)   # number of level rows per unit = number of time effects incl. intercept
    ud <- unlist(lapply(res, function(x) x[seq_len(Kt - 1)]))
    ul <- unlist(lapply(res, function(x) x[Kt:length(x)]))
  }
  emit(id, "scalar", "n_diff_obs", sum(ud != 0))
  emit(id, "scalar", "n_level_obs", sum(ul != 0))
  emit(id, "scalar", "ssr_diff", sum(ud^2))
  emit(id, "scalar", "ssr_level", sum(ul^2))
  for (ord in 1:2) {
    t_r <- mtest(m, order = ord, vcov = vcovHC)
    emit(id, "scalar", paste0("AR", ord, "_robust"), t_r$statistic, t_r$p.value)
    t_n <- mtest(m, order = ord)
    emit(id, "scalar", paste0("AR", ord, "_nonrobust_vcov"), t_n$statistic, t_n$p.value)
  }
  s2 <- sargan(m, "twosteps")
  emit(id, "scalar", "sargan_twosteps_weights", s2$statistic, s2$parameter, s2$p.value)
  s1 <- sargan(m, "onestep")
  emit(id, "scalar", "sargan_onestep_weights", s1$statistic, s1$parameter, s1$p.value)
  wr <- pwaldtest(m, param = "coef", vcov = vcovHC)
  emit(id, "scalar", "wald_coef_robust", wr$statistic, wr$parameter, wr$p.value)
  wn <- pwaldtest(m, param = "coef")
  emit(id, "scalar", "wald_coef_nonrobust_vcov", wn$statistic, wn$parameter, wn$p.value)
  if (plm:::describe(m, "effect") == "twoways") {
    tr <- pwaldtest(m, param = "time", vcov = vcovHC)
    emit(id, "scalar", "wald_time_robust", tr$statistic, tr$parameter, tr$p.value)
  }
  # hand-derived Sargan proper: onestep-weight statistic / (N * sigma2_diff)
  N <- length(m$W)
  k <- length(b)
  nd_obs <- sum(ud != 0)
  sig2 <- sum(ud^2) / (nd_obs - k)
  emit(id, "scalar", "derived_sigma2_diff_over_ndiff_minus_k", sig2)
  emit(id, "scalar", "derived_sargan_proper", s1$statistic / N / sig2, s1$parameter)
  if (model == "onestep") {
    # non-robust one-step vcov scaled xtabond2/gretl style: sigma2 * N * B1
    Vs <- Vn * N * sig2
    for (j in seq_along(b)) emit(id, "derived_se_iid", names(b)[j], sqrt(Vs[j, j]))
  }
}

pd <- readpd("data.csv")
fAB <- n ~ lag(n, 1:2) + lag(w, 0:1) + lag(k, 0:2) + lag(ys, 0:2) | lag(n, 2:99)

m <- pgmm(fAB, data = pd, effect = "twoways", model = "onestep", transformation = "d")
dump("ab_diff_1step_robust", m)
dump("ab_diff_1step_iid", m)
m <- pgmm(fAB, data = pd, effect = "twoways", model = "twosteps", transformation = "d")
dump("ab_diff_2step", m)

fBB <- n ~ lag(n, 1) + lag(w, 0:1) + lag(k, 0:1) | lag(n, 2:99) + lag(w, 2:99) + lag(k, 2:99)
m <- pgmm(fBB, data = pd, effect = "twoways", model = "twosteps", transformation = "ld")
dump("bb_sys_2step", m)
m <- pgmm(fBB, data = pd, effect = "twoways", model = "onestep", transformation = "ld")
dump("bb_sys_1step_robust", m)

fC <- n ~ lag(n, 1) + lag(w, 0:1) + lag(k, 0:1) | lag(n, 2:4) + lag(w, 2:4) + lag(k, 2:4)
m <- pgmm(fC, data = pd, effect = "twoways", model = "twosteps", transformation = "ld", collapse = TRUE)
dump("sys_collapse", m)

pg <- readpd("data_gaps.csv")
m <- pgmm(fAB, data = pg, effect = "twoways", model = "twosteps", transformation = "d")
dump("unbalanced_gap", m)
cat("=== END ===\n")
cat("@@|_meta|version|R|", R.version.string, "\n", sep = "")
cat("@@|_meta|version|plm|", as.character(packageVersion("plm")), "\n", sep = "")
