# Reference values for the entropy-weight composite index (src/engine/measure/entropy.ts),
# computed independently in base R on plm::Produc (Munnell 1990: 48 US states, 1970-1986), a
# state-year panel shaped like the seed paper's province panel (its 10 indicators are not public).
# Run from the repository root:  Rscript test/reference/entropy/make.R
# Writes data.csv and expected.json next to this script; tests only read those.
#
# Indicators: public capital hwy, water, util; private capital pc; gsp; emp (positive) and the
# unemployment rate unemp (negative). Sub-indices infra = {hwy, water, util}, econ = {pc, gsp, emp,
# unemp}. unemp is blanked in every 50th row (listwise exclusion), and water is set constant within
# 1975 (a zero-weight indicator in that year's weighting).
#
# Method (e.g. 王娜 & 张睿; the seed paper's "客观熵值法"), per weighting group (all rows, or one year):
#   z = (x - min)/(max - min) (positive), (max - x)/(max - min) (negative); z <- z + shift
#   p = z / sum(z); e = -sum(p log p)/log(n); d = 1 - e; w = d / sum(d); index = sum_j w_j z_j
#   sub-index g: weights d_j / sum_{j in g} d_j; group weight W_g = sum_{j in g} w_j.
source("test/reference/common.R")
dir <- "test/reference/entropy"

data("Produc", package = "plm")
d0 <- Produc[order(Produc$state, Produc$year), c("state", "year", "hwy", "water", "util", "pc", "gsp", "emp", "unemp")]
d0$state <- as.character(d0$state)
d0$unemp[seq(50, nrow(d0), by = 50)] <- NA
d0$water[d0$year == 1975] <- 1000
write_csv_exact(d0, file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
stopifnot(nrow(d) == 816, sum(is.na(d$unemp)) == 16)

pos <- c("hwy", "water", "util", "pc", "gsp", "emp")
neg <- c("unemp")
ind <- c(pos, neg)
groups <- list(infra = c("hwy", "water", "util"), econ = c("pc", "gsp", "emp", "unemp"))

# One weighting group: X is the complete-case matrix (rows x indicators).
entropy_fit <- function(X, negative, shift) {
  n <- nrow(X)
  Z <- X
  for (j in seq_len(ncol(X))) {
    lo <- min(X[, j]); hi <- max(X[, j])
    z <- if (hi > lo) { if (negative[j]) (hi - X[, j]) / (hi - lo) else (X[, j] - lo) / (hi - lo) } else rep(0, n)
    Z[, j] <- z + shift
  }
  e <- vapply(seq_len(ncol(Z)), function(j) {
    if (max(X[, j]) == min(X[, j]) || sum(Z[, j]) == 0) return(1)
    p <- Z[, j] / sum(Z[, j])
    -sum(ifelse(p > 0, p * log(p), 0)) / log(n)
  }, 0)
  dv <- 1 - e
  w <- dv / sum(dv)
  list(Z = Z, e = e, d = dv, w = w, index = as.vector(Z %*% w))
}

run_case <- function(by_year, shift, grouped) {
  index <- rep(NA_real_, nrow(d))
  subs <- lapply(groups, function(g) rep(NA_real_, nrow(d)))
  weights <- list(); gw <- list()
  keys <- if (by_year) sort(unique(d$year)) else NA
  for (k in keys) {
    rows <- which(complete.cases(d[, ind]) & (if (by_year) d$year == k else TRUE))
    X <- as.matrix(d[rows, ind])
    f <- entropy_fit(X, ind %in% neg, shift)
    index[rows] <- f$index
    for (g in names(groups)) {
      J <- match(groups[[g]], ind)
      subs[[g]][rows] <- as.vector(f$Z[, J, drop = FALSE] %*% (f$d[J] / sum(f$d[J])))
      gw[[length(gw) + 1]] <- list(by = if (by_year) paste0("year=", k) else NULL, group = g, weight = sum(f$w[J]))
    }
    for (j in seq_along(ind)) {
      g <- names(groups)[vapply(groups, function(m) ind[j] %in% m, TRUE)]
      J <- match(groups[[g]], ind)
      weights[[length(weights) + 1]] <- list(by = if (by_year) paste0("year=", k) else NULL, indicator = ind[j],
        n = length(rows), entropy = f$e[j], divergence = f$d[j], weight = f$w[j],
        weight_in_group = if (grouped) f$d[j] / sum(f$d[J]) else NULL)
    }
  }
  # invariant: overall = sum_g W_g sub_g
  if (!by_year) {
    W <- vapply(gw, function(x) x$weight, 0)
    chk <- W[1] * subs$infra + W[2] * subs$econ
    stopifnot_close(chk[!is.na(index)], index[!is.na(index)], rel = 1e-13, what = "overall = sum W_g sub_g")
  }
  out <- list(by_year = by_year, shift = shift, weights = weights, index = I(index))
  if (grouped) { out$group_weights <- gw; out$sub <- lapply(subs, I) }
  out
}

write_json_file(list(
  source = paste0("base R on plm::Produc; ", R.version.string, "; plm ", as.character(packageVersion("plm"))),
  nrows = nrow(d),
  positive = I(pos), negative = I(neg),
  groups = lapply(groups, I),
  cases = list(
    pooled = run_case(FALSE, 1e-4, TRUE),
    by_year = run_case(TRUE, 1e-4, TRUE),
    pooled_noshift = run_case(FALSE, 0, FALSE)
  )
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
