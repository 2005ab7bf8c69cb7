# Reference values: descriptive statistics (Stata summarize/tabstat, pwcorr/correlate/spearman,
# estat vif conventions) on AER::CPS1985 (534 workers, 1985 Current Population Survey), with
# deterministic missing cells and a variable with a large offset. Base R only (plus AER for the data).
# Run from the repository root: Rscript test/reference/describe/make.R
source("test/reference/common.R")
dir <- "test/reference/describe"

data("CPS1985", package = "AER")
d0 <- CPS1985
rownames(d0) <- NULL
d0$lwage <- log(d0$wage)
# 1e9 + wage: the same spread as wage on an offset that a one-pass Σx² − n·x̄² would destroy.
d0$wage_offset <- 1e9 + d0$wage
d0$female <- as.numeric(d0$gender == "female")
d0 <- d0[, c("wage", "lwage", "wage_offset", "education", "experience", "age", "female",
             "sector", "region", "union")]
# Deterministic missing cells (1-based rows): wage/lwage/wage_offset in every 41st row,
# experience in every 37th, education in every 101st. Pairwise and listwise samples differ.
d0$wage[seq(41, nrow(d0), by = 41)] <- NA
d0$lwage[seq(41, nrow(d0), by = 41)] <- NA
d0$wage_offset[seq(41, nrow(d0), by = 41)] <- NA
d0$experience[seq(37, nrow(d0), by = 37)] <- NA
d0$education[seq(101, nrow(d0), by = 101)] <- NA
write_csv_exact(d0, file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
stopifnot(nrow(d) == 534, is.character(d$sector), sum(is.na(d$wage)) == 13)

num_vars <- c("wage", "lwage", "wage_offset", "education", "experience", "age", "female")
detail_ps <- c(1, 5, 10, 25, 50, 75, 90, 95, 99)

# Stata's percentile rule ([R] summarize, Methods and formulas): P = n p / 100; P integer ->
# (x_(P) + x_(P+1)) / 2, else x_(floor(P) + 1). Written out here and asserted equal to
# quantile(type = 2), so the stored numbers are the definition, not just R's implementation.
stata_pctile <- function(x, p) {
  x <- sort(x); n <- length(x)
  np <- n * p                       # p in percent; integers, so n * p is exact
  if (np %% 100 == 0) (x[np / 100] + x[np / 100 + 1]) / 2 else x[floor(np / 100) + 1]
}

stats_of <- function(x) {
  x <- x[!is.na(x)]
  n <- length(x)
  m <- mean(x)
  # Central moments are shift-invariant; y = x - x[1] is exact for wage_offset (Sterbenz), whereas
  # x - mean(x) carries mean(x)'s rounding (ulp(1e9) = 1.2e-7) into m3 as a 1e-8 relative error.
  y <- x - x[1]
  my <- mean(y)
  mr <- function(r) sum((y - my)^r) / n
  pct <- vapply(detail_ps, function(p) stata_pctile(x, p), 0)
  stopifnot_close(pct, unname(quantile(x, detail_ps / 100, type = 2)), 1e-15, "type 2 = Stata rule")
  list(n = n, mean = m, sd = sd(x), variance = var(x), min = min(x), max = max(x), sum = sum(x),
       p25 = pct[4], median = pct[5], p75 = pct[6],
       skewness = mr(3) / mr(2)^1.5, kurtosis = mr(4) / mr(2)^2,
       percentiles = I(pct))
}

summ <- function(df) setNames(lapply(num_vars, function(v) stats_of(df[[v]])), num_vars)
complete <- complete.cases(d[, num_vars])

by_sector <- list()
for (g in sort(unique(d$sector))) {
  by_sector[[g]] <- summ(d[d$sector == g, ])
}

# Correlations. Pairwise: each pair's complete rows (Stata pwcorr); listwise: rows complete in all
# (Stata correlate). p-value: t = r sqrt((n-2)/(1-r^2)) on n-2 df (= cor.test for Pearson).
t_p <- function(r, n) 2 * pt(-abs(r * sqrt((n - 2) / (1 - r^2))), n - 2)
corr_vars <- c("lwage", "wage_offset", "education", "experience", "age", "female")
corr_entry <- function(method, listwise) {
  K <- length(corr_vars)
  out <- list()
  for (a in seq_len(K)) for (b in seq_len(K)) {
    if (b <= a) next
    x <- d[[corr_vars[a]]]; y <- d[[corr_vars[b]]]
    keep <- if (listwise) complete.cases(d[, corr_vars]) else !is.na(x) & !is.na(y)
    x <- x[keep]; y <- y[keep]
    r <- cor(x, y, method = method)
    n <- length(x)
    p <- t_p(r, n)
    ct <- if (method == "pearson") cor.test(x, y) else suppressWarnings(cor.test(x, y, method = "spearman", exact = FALSE))
    stopifnot_close(p, ct$p.value, 1e-9, paste("p-value", method, corr_vars[a], corr_vars[b]))
    if (method == "spearman") stopifnot_close(r, cor(rank(x), rank(y)), 1e-14, "spearman = pearson of average ranks")
    out[[length(out) + 1]] <- list(a = corr_vars[a], b = corr_vars[b], n = n, r = r, p_value = p)
  }
  out
}

# VIF (Stata estat vif): VIF_j = 1/(1 - R2_j), R2_j from lm(x_j ~ other regressors) with a
# constant, on rows complete in the regressors and in the sample variables.
vif_entry <- function(regs, sample_vars) {
  keep <- complete.cases(d[, c(regs, sample_vars)])
  dd <- d[keep, ]
  kept <- regs[!is.na(coef(lm(reformulate(regs, response = "lwage"), data = dd))[regs])]
  rows <- lapply(kept, function(v) {
    others <- setdiff(kept, v)
    r2 <- summary(lm(reformulate(others, response = v), data = dd))$r.squared
    list(variable = v, r2 = r2, vif = 1 / (1 - r2), tolerance = 1 - r2)
  })
  vifs <- vapply(rows, function(r) r$vif, 0)
  list(regressors = I(regs), sample_vars = I(sample_vars), nobs = nrow(dd),
       omitted = I(setdiff(regs, kept)), rows = rows, mean_vif = mean(vifs))
}

write_json_file(list(
  source = paste0(r_source_string(c("AER")),
                  ". Data: AER::CPS1985 (Berndt 1991), lwage = log(wage), wage_offset = 1e9 + wage, female = gender == female; blanks: wage/lwage/wage_offset every 41st row, experience every 37th, education every 101st (1-based)."),
  script = "make.R",
  data = "data.csv",
  notes = I(c(
    "Percentiles: Stata's rule (P = n p/100; integer -> mean of x(P), x(P+1); else x(floor(P)+1)), computed as written and asserted equal to quantile(type = 2).",
    "sd and variance with n-1; skewness m3/m2^1.5 and kurtosis m4/m2^2 with m_r = sum((x-mean)^r)/n (Stata summarize, detail), computed on x - x[1] (exact for wage_offset).",
    "Correlation p-values: t = r sqrt((n-2)/(1-r^2)) on n-2 df, two-sided; equal to cor.test (Pearson; Spearman with exact = FALSE).",
    "VIF: 1/(1-R2_j) with R2_j from lm(x_j ~ other regressors); age = education + experience + 6 in the complete rows, so age is omitted."
  )),
  variables = I(num_vars),
  detail_percentiles = I(detail_ps),
  n_rows = nrow(d),
  summarize_per_variable = summ(d),
  summarize_listwise = list(n = sum(complete), stats = summ(d[complete, ])),
  summarize_by_sector = by_sector,
  correlation_variables = I(corr_vars),
  pwcorr_pearson = corr_entry("pearson", FALSE),
  correlate_pearson = corr_entry("pearson", TRUE),
  spearman_pairwise = corr_entry("spearman", FALSE),
  spearman_listwise = corr_entry("spearman", TRUE),
  vif = list(
    vif_entry(c("education", "experience", "age"), "lwage"),
    vif_entry(c("education", "experience", "female", "wage"), "lwage")
  )
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
