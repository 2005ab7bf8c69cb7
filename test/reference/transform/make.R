# Reference values for the variable tools (src/engine/transform) and the expression language,
# computed independently in base R on plm::EmplUK (140 UK firms, 1976-1984, unbalanced).
# Run from the repository root:  Rscript test/reference/transform/make.R
# Writes data.csv, bartik_*.csv and expected.json next to this script; tests only read those.
#
# Data changes, to exercise the hard cases (all deterministic):
#   - every 17th row is dropped, so 43 rows follow a gap inside their firm's years (lags must see
#     the gap, not the previous row);
#   - emp is blanked in every 29th remaining row (missing values);
#   - firm is written as text "F001".. (a categorical id), sector as text "S1".."S9".
source("test/reference/common.R")
dir <- "test/reference/transform"
# Numbers as the shortest decimal that reads back to the same double (15-17 digits) rather than
# always 17: the per-row arrays stay exact and the file about a third smaller.
json_scalar_17 <- json_scalar
json_scalar <- function(v) {
  if (is.numeric(v) && length(v) == 1 && is.finite(v) && v != round(v)) return(fmt_num(v))
  json_scalar_17(v)
}

data("EmplUK", package = "plm")
d0 <- EmplUK[order(EmplUK$firm, EmplUK$year), ]
d0 <- d0[-seq(17, nrow(d0), by = 17), ]
d0$emp[seq(29, nrow(d0), by = 29)] <- NA
d0 <- data.frame(firm = sprintf("F%03d", d0$firm), year = d0$year, sector = sprintf("S%d", d0$sector),
                 emp = d0$emp, wage = d0$wage, capital = d0$capital, output = d0$output,
                 stringsAsFactors = FALSE)
write_csv_exact(d0, file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
stopifnot(nrow(d) == nrow(d0), isTRUE(all.equal(d$emp, d0$emp)))
n <- nrow(d)

# ------------------------------------------------------------------ Stata's default percentile
# [D] pctile Methods and formulas: x(1) <= ... <= x(n), P = n p / 100; P integer -> (x(P) + x(P+1)) / 2,
# else x(ceil(P)). Here P is decided in exact integer arithmetic (n * p * 10 %% 1000 for p with one
# decimal), independent of floating point. Asserted equal to quantile(type = 2) on every group below.
stata_pctile <- function(x, p) {
  x <- sort(x[!is.na(x)]); m <- length(x)
  if (m == 0) return(NA_real_)
  num <- round(m * p * 10)                    # P = num / 1000 exactly (p has at most one decimal)
  if (num %% 1000 == 0) {
    j <- num %/% 1000
    return((x[max(1, min(m, j))] + x[max(1, min(m, j + 1))]) / 2)
  }
  x[min(m, ceiling(num / 1000))]
}
type2_checks <- 0
check_type2 <- function(x, p) {
  a <- stata_pctile(x, p)
  if (all(is.na(x))) return(a)
  b <- unname(quantile(x, p / 100, type = 2, na.rm = TRUE))
  if (!isTRUE(all.equal(a, b, tolerance = 0))) stop(sprintf("Stata rule and quantile(type=2) differ: n=%d p=%g: %.17g vs %.17g", sum(!is.na(x)), p, a, b))
  type2_checks <<- type2_checks + 1
  a
}

by_group <- function(x, g, f) {
  out <- rep(NA_real_, length(x))
  for (k in unique(g)) { i <- which(g == k); out[i] <- f(x[i]) }
  out
}

# ------------------------------------------------------------------ panel lags (merge, not rows)
key <- paste(d$firm, d$year)
shift <- function(x, k) x[match(paste(d$firm, d$year - k), key)]
lag1 <- shift(d$emp, 1)
lag2 <- shift(d$emp, 2)
lead1 <- shift(d$emp, -1)
diff1 <- d$emp - lag1
d1 <- diff1; diff2 <- d1 - d1[match(paste(d$firm, d$year - 1), key)]
growth <- ifelse(lag1 == 0, NA, (d$emp - lag1) / lag1)
loggrowth <- ifelse(d$emp > 0 & lag1 > 0, log(d$emp) - log(lag1), NA)
prev_row <- c(NA, d$emp[-n]); prev_row[c(TRUE, d$firm[-1] != d$firm[-n])] <- NA
gaps <- sum(!is.na(prev_row) & is.na(lag1) & !is.na(d$emp))
cat("rows whose previous row is not t-1 (gaps):", sum(!is.na(prev_row) & is.na(lag1)), "\n")

# ------------------------------------------------------------------ winsor2 / trim
winsor <- function(x, g, lo, hi, trim = FALSE) {
  out <- x
  for (k in unique(g)) {
    i <- which(g == k)
    ql <- if (lo > 0) check_type2(x[i], lo) else -Inf
    qh <- if (hi < 100) check_type2(x[i], hi) else Inf
    low <- !is.na(x[i]) & x[i] < ql; high <- !is.na(x[i]) & x[i] > qh
    out[i][low] <- if (trim) NA else ql
    out[i][high] <- if (trim) NA else qh
  }
  out
}
all1 <- rep(1, n)
w_all <- winsor(d$wage, all1, 1, 99)
w_year <- winsor(d$wage, d$year, 1, 99)
w_year5 <- winsor(d$emp, d$year, 5, 95)
w_sector_2_5 <- winsor(d$capital, d$sector, 2.5, 97.5)
tr_year <- winsor(d$emp, d$year, 5, 95, trim = TRUE)
w_upper_only <- winsor(d$output, all1, 0, 99)

# ------------------------------------------------------------------ egen statistics
mean_year <- by_group(d$wage, d$year, function(x) mean(x, na.rm = TRUE))
sd_year <- by_group(d$emp, d$year, function(x) if (sum(!is.na(x)) > 1) sd(x, na.rm = TRUE) else NA)
count_year <- by_group(d$emp, d$year, function(x) sum(!is.na(x)))
total_sector <- by_group(d$emp, d$sector, function(x) sum(x, na.rm = TRUE))
min_sector <- by_group(d$emp, d$sector, function(x) min(x, na.rm = TRUE))
max_sector <- by_group(d$emp, d$sector, function(x) max(x, na.rm = TRUE))
median_sector <- by_group(d$emp, d$sector, function(x) check_type2(x, 50))
p25_sector_year <- by_group(d$wage, paste(d$sector, d$year), function(x) check_type2(x, 25))
# many ties: egen rank gives them the average rank. Stata's round() takes halves away from zero;
# R's round() takes them to even (round(4.5) = 4), so round by hand (emp > 0).
emp_r <- floor(d$emp + 0.5)
rank_year <- by_group(emp_r, d$year, function(x) { r <- rep(NA_real_, length(x)); ok <- !is.na(x); r[ok] <- rank(x[ok], ties.method = "average"); r })
stopifnot(any(duplicated(emp_r[!is.na(emp_r)])))

# ------------------------------------------------------------------ standardise, splits, instruments
z_all <- (d$emp - mean(d$emp, na.rm = TRUE)) / sd(d$emp, na.rm = TRUE)
z_year <- (d$emp - by_group(d$emp, d$year, function(x) mean(x, na.rm = TRUE))) / sd_year
med_year <- by_group(d$emp, d$year, function(x) check_type2(x, 50))
stopifnot(isTRUE(all.equal(med_year, by_group(d$emp, d$year, function(x) median(x, na.rm = TRUE)))))
above_median_year <- ifelse(is.na(d$emp), NA, as.numeric(d$emp > med_year))
above_mean_year <- ifelse(is.na(d$emp), NA, as.numeric(d$emp > by_group(d$emp, d$year, function(x) mean(x, na.rm = TRUE))))
cube_dev_year <- (d$wage - mean_year)^3
log_shift <- log(d$capital + 0.01)

# ------------------------------------------------------------------ expressions (Stata semantics)
expr <- list(
  `ln(emp) + 2*wage` = log(d$emp) + 2 * d$wage,
  `emp > 5` = ifelse(is.na(d$emp), 1, as.numeric(d$emp > 5)),   # missing is +infinity in Stata
  `cond(emp > 5 & !missing(emp), wage, -wage)` = ifelse(!is.na(d$emp) & d$emp > 5, d$wage, -d$wage),
  `(wage - mean(wage, by(year))) / sd(wage, by(year))` = (d$wage - mean_year) / by_group(d$wage, d$year, sd),
  `max(emp, capital*10)` = ifelse(is.na(d$emp), d$capital * 10, pmax(d$emp, d$capital * 10)),
  `round(output, 0.5)` = floor(d$output / 0.5 + 0.5) * 0.5,
  `inrange(wage, 20, 30) * (sector == "S7")` = as.numeric(d$wage >= 20 & d$wage <= 30) * (d$sector == "S7"),
  `D.emp / L.emp` = diff1 / lag1
)

# ------------------------------------------------------------------ Bartik (synthetic, small)
set.seed(20240517)
units <- sprintf("u%02d", 1:12); sectors <- c("A", "B", "C", "D"); years <- 2000:2004
lv <- expand.grid(unit = units, sector = sectors, year = years, stringsAsFactors = FALSE)
lv$level <- round(exp(rnorm(nrow(lv), 3, 1)), 2)
lv$level[sample(nrow(lv), 6)] <- NA            # missing levels count as 0 in the sums
lv <- lv[order(lv$unit, lv$sector, lv$year), ]
base <- lv[lv$year == 2000 & !is.na(lv$level), ]
base$share <- base$level / ave(base$level, base$unit, FUN = sum)
shares <- base[, c("unit", "sector", "share")]
shares <- shares[shares$unit != "u12", ]       # one unit without shares -> missing instrument
panel <- expand.grid(unit = c(units, "u99"), year = 2001:2004, stringsAsFactors = FALSE)
panel <- panel[order(panel$unit, panel$year), ]
write_csv_exact(lv, file.path(dir, "bartik_levels.csv"))
write_csv_exact(shares, file.path(dir, "bartik_shares.csv"))
write_csv_exact(panel, file.path(dir, "bartik_panel.csv"))
lv <- read_csv_exact(file.path(dir, "bartik_levels.csv"))
shares <- read_csv_exact(file.path(dir, "bartik_shares.csv"))
panel <- read_csv_exact(file.path(dir, "bartik_panel.csv"))
L <- function(u, s, t) { v <- lv$level[lv$unit == u & lv$sector == s & lv$year == t]; if (length(v) == 0 || is.na(v)) 0 else v }
S <- function(s, t) sum(lv$level[lv$sector == s & lv$year == t], na.rm = TRUE)
bartik_ref <- function(loo, kind) {
  sapply(seq_len(nrow(panel)), function(r) {
    u <- panel$unit[r]; t <- panel$year[r]
    sh <- shares[shares$unit == u, ]
    if (nrow(sh) == 0) return(NA_real_)
    sum(vapply(seq_len(nrow(sh)), function(j) {
      s <- sh$sector[j]
      now <- S(s, t) - if (loo) L(u, s, t) else 0
      before <- S(s, t - 1) - if (loo) L(u, s, t - 1) else 0
      g <- if (kind == "log") log(now) - log(before) else (now - before) / before
      sh$share[j] * g
    }, 0))
  })
}
# national growth table for the "growth given" form
gt <- expand.grid(sector = sectors, year = 2001:2004, stringsAsFactors = FALSE)
gt$growth <- mapply(function(s, t) (S(s, t) - S(s, t - 1)) / S(s, t - 1), gt$sector, gt$year)
write_csv_exact(gt, file.path(dir, "bartik_growth.csv"))
gt <- read_csv_exact(file.path(dir, "bartik_growth.csv"))
bartik_given <- sapply(seq_len(nrow(panel)), function(r) {
  sh <- shares[shares$unit == panel$unit[r], ]
  if (nrow(sh) == 0) return(NA_real_)
  sum(sh$share * gt$growth[match(paste(sh$sector, panel$year[r]), paste(gt$sector, gt$year))])
})

cat("type-2 quantile checks passed:", type2_checks, "\n")
col <- function(x) I(as.numeric(x))
write_json_file(list(
  source = paste0(R.version.string, "; plm ", as.character(packageVersion("plm")), ". Data: plm::EmplUK, every 17th row dropped (gaps), emp blanked every 29th row."),
  script = "make.R",
  nrows = n,
  percentile_rule = paste0("Stata default (_pctile/summarize/egen pctile): P = n p/100 decided in exact arithmetic; equal to quantile(type = 2) in all ", type2_checks, " group percentiles computed here."),
  panel = list(lag1_emp = col(lag1), lag2_emp = col(lag2), lead1_emp = col(lead1), diff1_emp = col(diff1),
               diff2_emp = col(diff2), growth_emp = col(growth), loggrowth_emp = col(loggrowth),
               gap_rows = sum(!is.na(prev_row) & is.na(lag1))),
  winsor = list(wage_all_1_99 = col(w_all), wage_year_1_99 = col(w_year), emp_year_5_95 = col(w_year5),
                capital_sector_2.5_97.5 = col(w_sector_2_5), emp_year_trim_5_95 = col(tr_year),
                output_all_0_99 = col(w_upper_only)),
  egen = list(mean_wage_year = col(mean_year), sd_emp_year = col(sd_year), count_emp_year = col(count_year),
              total_emp_sector = col(total_sector), min_emp_sector = col(min_sector), max_emp_sector = col(max_sector),
              median_emp_sector = col(median_sector), p25_wage_sector_year = col(p25_sector_year),
              rank_round_emp_year = col(rank_year)),
  scale = list(z_emp_all = col(z_all), z_emp_year = col(z_year), log_capital_plus_0.01 = col(log_shift)),
  split = list(emp_above_median_year = col(above_median_year), emp_above_mean_year = col(above_mean_year)),
  instruments = list(cube_dev_wage_year = col(cube_dev_year)),
  expressions = lapply(expr, col),
  bartik = list(rate = col(bartik_ref(FALSE, "rate")), rate_loo = col(bartik_ref(TRUE, "rate")),
                log_loo = col(bartik_ref(TRUE, "log")), given = col(bartik_given))
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
