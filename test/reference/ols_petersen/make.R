# Reference values: OLS on Petersen (2009) simulated firm-year panel, as shipped in
# sandwich::PetersenCL. Run from the repo root: Rscript test/reference/ols_petersen/make.R
source("test/reference/common.R")
dir <- "test/reference/ols_petersen"

data("PetersenCL", package = "sandwich")
write_csv_exact(PetersenCL[, c("firm", "year", "x", "y")], file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
stopifnot(nrow(d) == 5000, identical(d$x, PetersenCL$x), identical(d$y, PetersenCL$y))

m <- lm(y ~ x, data = d)
models <- list(
  ols_entry("ols_iid", m, "y", "x", "iid"),
  ols_entry("ols_robust", m, "y", "x", "robust"),
  ols_entry("ols_cluster_firm", m, "y", "x", "cluster", cluster = d$firm, cluster_name = "firm",
            cluster_formula = ~firm),
  ols_entry("ols_cluster_year", m, "y", "x", "cluster", cluster = d$year, cluster_name = "year",
            cluster_formula = ~year)
)

# Published Stata values (Petersen's test-data web page, Stata regress / cluster):
published <- list(
  ols_iid = c(x = 1.034833, x_se = .0285833, c = .0296797, c_se = .0283593),
  ols_robust = c(x = 1.034833, x_se = .0283952, c = .0296797, c_se = .0283607),
  ols_cluster_firm = c(x = 1.034833, x_se = .0505957, c = .0296797, c_se = .0670127),
  ols_cluster_year = c(x = 1.034833, x_se = .0333889, c = .0296797, c_se = .0233867)
)
for (mod in models) {
  p <- published[[mod$name]]
  got <- c(mod$coefficients$x$estimate, mod$coefficients$x$std_error,
           mod$coefficients$`(Intercept)`$estimate, mod$coefficients$`(Intercept)`$std_error)
  cat(sprintf("%-18s x=%.7f se=%.7f  cons=%.7f se=%.7f\n", mod$name, got[1], got[2], got[3], got[4]))
  stopifnot(all(abs(got - p) <= 6e-7))  # published values are rounded to 7 decimals
}

write_json_file(list(
  source = paste0(r_source_string(c("sandwich")),
                  ". Data: sandwich::PetersenCL (Petersen 2009 simulated firm-year data, 500 firms x 10 years)."),
  script = "make.R",
  data = "data.csv",
  published_check = "Matches Petersen's published Stata output (x 1.034833; SE iid .0285833, White .0283952, cluster firm .0505957, cluster year .0333889; _cons .0296797 with SEs .0283593/.0283607/.0670127/.0233867) to all published digits.",
  models = models
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
