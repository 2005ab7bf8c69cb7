# Reference values: NIST StRD Wampler1 and Wampler2 (5th-degree polynomial, exact fit).
# Data generated exactly here. Run: Rscript test/reference/ols_wampler/make.R
source("test/reference/common.R")
dir <- "test/reference/ols_wampler"

x <- 0:20
# Wampler1: y = 1 + x + x^2 + x^3 + x^4 + x^5 (integers, exact in double)
w1 <- 1 + x + x^2 + x^3 + x^4 + x^5
# Wampler2: y = 1 + 0.1x + 0.01x^2 + 0.001x^3 + 1e-4x^4 + 1e-5x^5; exact decimal = num/1e5
num2 <- 100000 + 10000 * x + 1000 * x^2 + 100 * x^3 + 10 * x^4 + x^5   # exact integers
w2 <- num2 / 1e5                                                        # correctly rounded double
d0 <- data.frame(x = x, x1 = x, x2 = x^2, x3 = x^3, x4 = x^4, x5 = x^5, wampler1 = w1, wampler2 = w2)
write_csv_exact(d0, file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
stopifnot(identical(d$wampler2, w2), all(d$wampler1 == w1), d$x5[21] == 3200000)
# Spot checks against the NIST data files
stopifnot(w1[2] == 6, w1[21] == 3368421, w2[21] == 63, abs(w2[2] - 1.11111) == 0, w2[11] == 6)

xs <- paste0("x", 1:5)
nm <- c("(Intercept)", xs)
cert <- list(
  wampler1 = setNames(rep(1, 6), nm),
  wampler2 = setNames(c(1, 0.1, 0.01, 0.001, 1e-4, 1e-5), nm)
)
X <- model.matrix(~ x1 + x2 + x3 + x4 + x5, data = d)
yq <- list(wampler1 = gmp::as.bigq(w1), wampler2 = gmp::as.bigq(num2, 100000))

cases <- list()
for (yn in c("wampler1", "wampler2")) suppressWarnings({
  m <- lm(as.formula(paste(yn, "~ x1 + x2 + x3 + x4 + x5")), data = d)
  stopifnot(m$rank == 6)
  b <- coef(m)
  lre <- -log10(abs(b - cert[[yn]]) / abs(cert[[yn]]))
  lre[!is.finite(lre)] <- 17
  cat(yn, "R lm LRE of coefficients:", sprintf("%.1f", lre), " residual sd:", suppressWarnings(summary(m))$sigma, "\n")
  stopifnot(all(lre > 6))
  ex <- exact_ols(gmp::as.bigq(X), yq[[yn]], nm)
  for (k in nm) stopifnot(ex$coefficients[[k]]$estimate == cert[[yn]][[k]])
  stopifnot(ex$rss == 0, ex$r2 == 1)
  cases[[yn]] <- list(
    name = yn, y = yn, x = I(xs), intercept = TRUE, nobs = nrow(d),
    certified = list(
      coefficients = setNames(lapply(nm, function(k) list(estimate = unname(cert[[yn]][k]), std_error = 0)), nm),
      residual_sd = 0, r2 = 1, rss = 0,
      note = "NIST certified: exact fit. Certified SEs and residual SD are exactly 0; t statistics, p-values and the F statistic are undefined (division by zero)."),
    r_lm = list(
      coefficients = setNames(lapply(nm, function(k) list(estimate = unname(b[k]),
                                                          std_error = unname(sqrt(diag(vcov(m)))[k]))), nm),
      residual_sd = summary(m)$sigma, r2 = summary(m)$r.squared, rss = sum(residuals(m)^2),
      log_relative_error = as.list(setNames(lre, nm)),
      note = "R stats::lm (Householder QR). Values other than the coefficients are floating-point noise around the exact 0 (SEs, residual SD, RSS) or 1 (R2); compare coefficients with the certified values by log relative error (LRE), and only check that SEs / residual SD are tiny.")
  )
})

write_json_file(list(
  source = paste0(R.version.string, "; gmp ", as.character(packageVersion("gmp")),
                  ". Data: NIST StRD Wampler1 and Wampler2 (x = 0..20), generated exactly; regressors x1..x5 = x^1..x^5. ",
                  "'certified' = NIST certified values; 'r_lm' = R lm values. An exact rational-arithmetic fit (gmp) was asserted to reproduce the certified values exactly."),
  script = "make.R",
  data = "data.csv",
  models = unname(cases)
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
