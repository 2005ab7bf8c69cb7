# Reference values: OLS on AER::CPS1985 (534 workers, 1985 Current Population Survey),
# with text columns, deterministic missing cells (listwise deletion) and an exactly
# collinear regressor. Run: Rscript test/reference/ols_cps/make.R
source("test/reference/common.R")
dir <- "test/reference/ols_cps"

data("CPS1985", package = "AER")
d0 <- CPS1985
rownames(d0) <- NULL
d0$lwage <- log(d0$wage)
d0 <- d0[, c("wage", "lwage", "education", "experience", "age", "ethnicity", "region",
             "gender", "occupation", "sector", "union", "married")]
# Deterministic missing cells: experience blank in rows 37, 74, ..., 518 (every 37th row),
# education blank in rows 101, 202, ..., 505 (every 101st row). 19 rows lost in total.
miss_exp <- seq(37, nrow(d0), by = 37)
miss_edu <- seq(101, nrow(d0), by = 101)
d0$experience[miss_exp] <- NA
d0$education[miss_edu] <- NA
write_csv_exact(d0, file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
stopifnot(nrow(d) == 534, identical(d$lwage, log(CPS1985$wage)), sum(is.na(d$experience)) == 14,
          sum(is.na(d$education)) == 5, is.character(d$sector))

# In the raw data age == education + experience + 6 in 533 of 534 rows; the exception is
# row 444 (education 16, experience 0, age 18), which is one of the rows whose experience
# is blanked above. So in the estimation sample age is an exact linear combination of
# the constant, education and experience, and must be omitted (R: NA coefficient;
# Stata: "omitted because of collinearity").
raw_dev <- with(CPS1985, age - education - experience)
stopifnot(which(raw_dev != 6) == 444, 444 %in% miss_exp)

m <- lm(lwage ~ education + experience + age, data = d)
stopifnot(is.na(coef(m)[["age"]]), nobs(m) == 534 - 19)
used <- setdiff(seq_len(nrow(d)), as.integer(m$na.action))
stopifnot(all(with(d[used, ], age == education + experience + 6)))
sector_used <- d$sector[used]

xs <- c("education", "experience", "age")
models <- list(
  ols_entry("ols_iid", m, "lwage", xs, "iid"),
  ols_entry("ols_robust", m, "lwage", xs, "robust"),
  ols_entry("ols_cluster_sector", m, "lwage", xs, "cluster", cluster = sector_used,
            cluster_name = "sector", cluster_formula = ~sector)
)
for (i in seq_along(models)) {
  stopifnot(identical(as.character(models[[i]]$omitted), "age"))
  models[[i]]$rows_dropped_missing <- I(as.integer(m$na.action))
}

write_json_file(list(
  source = paste0(r_source_string(c("AER", "sandwich")),
                  ". Data: AER::CPS1985 (Berndt 1991, 1985 CPS wage data), lwage = log(wage); experience blanked in every 37th row and education in every 101st row (1-based data rows)."),
  script = "make.R",
  data = "data.csv",
  notes = I(c(
    "Listwise deletion: 19 of 534 rows have a missing regressor, nobs = 515. rows_dropped_missing lists them (1-based data rows).",
    "age == education + experience + 6 exactly in the estimation sample, so age is omitted (it is the last regressor, which is the one R and Stata drop). 'omitted' lists it; it has no entry in 'coefficients'. K = rank = 3.",
    paste0("Only 3 sector clusters (estimation-sample sizes: ",
           paste(names(table(sector_used)), as.integer(table(sector_used)), collapse = ", "),
           "): t and F use G-1 = 2 df.")
  )),
  models = models
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
