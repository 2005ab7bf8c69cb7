# Reference values: merge counts and merged values (Stata merge semantics) checked against base R
# merge() / match() on plm::Grunfeld (10 firms x 1935-1954) with a made-up province-year table.
# Run from the repository root: Rscript test/reference/combine/make.R
source("test/reference/common.R")
dir <- "test/reference/combine"

data("Grunfeld", package = "plm")
g <- Grunfeld
rownames(g) <- NULL
provinces <- c("北京", "上海", "广东", "江苏", "浙江", "北京", "上海", "四川", "广东", "新疆")
g$province <- provinces[g$firm]
# Unbalanced panel: drop every 9th row; two rows get a missing province (never match).
g <- g[-seq(9, nrow(g), by = 9), ]
g$province[c(5, 77)] <- NA
rownames(g) <- NULL

# m:1 using table: province x year for 1933..1952 (so 1953-54 firm-years stay unmatched), plus a
# province no firm has (西藏), minus every 7th province-year (more unmatched firm-years).
pt <- expand.grid(year = 1933:1952, province = c(unique(provinces), "西藏"), stringsAsFactors = FALSE)
pt <- pt[-seq(7, nrow(pt), by = 7), c("province", "year")]
pt$index <- round(100 + 10 * sin(seq_len(nrow(pt))), 6)
rownames(pt) <- NULL

# 1:1: two column sets of the panel with different rows dropped.
a <- g[-seq(3, nrow(g), by = 5), c("firm", "year", "inv")]
b <- g[-seq(4, nrow(g), by = 6), c("firm", "year", "value", "capital")]
# 1:m: a firm table (master) merged into the panel (using); firm 11 has no rows, firm 10 no entry.
firms <- data.frame(firm = c(1:9, 11), name = paste0("firm_", c(1:9, 11)), stringsAsFactors = FALSE)

write_csv_exact(g[, c("firm", "year", "province", "inv", "value", "capital")], file.path(dir, "panel.csv"))
write_csv_exact(pt, file.path(dir, "province_year.csv"))
write_csv_exact(a, file.path(dir, "part_a.csv"))
write_csv_exact(b, file.path(dir, "part_b.csv"))
write_csv_exact(firms, file.path(dir, "firms.csv"))
g <- read_csv_exact(file.path(dir, "panel.csv"))
pt <- read_csv_exact(file.path(dir, "province_year.csv"))
a <- read_csv_exact(file.path(dir, "part_a.csv"))
b <- read_csv_exact(file.path(dir, "part_b.csv"))
firms <- read_csv_exact(file.path(dir, "firms.csv"))

# Stata-style counts from R's merge(all = TRUE) with indicator columns.
counts <- function(m, u, by) {
  m$.m <- TRUE; u$.u <- TRUE
  r <- merge(m, u, by = by, all = TRUE)
  list(matched = sum(!is.na(r$.m) & !is.na(r$.u)), left_only = sum(is.na(r$.u)), right_only = sum(is.na(r$.m)),
       nrows = nrow(r))
}
key <- function(d, by) do.call(paste, c(d[by], sep = "\r"))

# m:1 province year: R merge would match NA with NA; the using table has no NA, so it cannot here.
stopifnot(!anyNA(pt$province))
c_m1 <- counts(g, pt, c("province", "year"))
pos <- match(key(g, c("province", "year")), key(pt, c("province", "year")))
pos[is.na(g$province)] <- NA
stopifnot(c_m1$matched == sum(!is.na(pos)), c_m1$left_only == sum(is.na(pos)))

c_11 <- counts(a, b, c("firm", "year"))
pos11 <- match(key(a, c("firm", "year")), key(b, c("firm", "year")))
stopifnot(c_11$matched == sum(!is.na(pos11)))

c_1m <- counts(firms, g, "firm")

write_json_file(list(
  source = paste0(r_source_string(c("plm")), ". Data: plm::Grunfeld, every 9th row dropped, province made up per firm, province missing in rows 5 and 77; province_year: 1933-1952 x 9 provinces (8 with firms + 西藏), every 7th row dropped."),
  script = "make.R",
  notes = I(c(
    "Counts: merge(all = TRUE) with indicator columns; matched = in both, left_only = master only, right_only = using only (Stata _merge 3 / 1 / 2).",
    "index_by_master_row: the using value each panel row gets in the m:1 merge (null = unmatched), in panel order, from match()."
  )),
  m1 = list(master = "panel.csv", using = "province_year.csv", keys = I(c("province", "year")), kind = "m:1",
            counts = c_m1, missing_keys_left = sum(is.na(g$province)), index_by_master_row = I(pt$index[pos])),
  one_to_one = list(master = "part_a.csv", using = "part_b.csv", keys = I(c("firm", "year")), kind = "1:1",
                    counts = c_11, value_by_master_row = I(b$value[pos11])),
  one_to_m = list(master = "firms.csv", using = "panel.csv", keys = I("firm"), kind = "1:m", counts = c_1m)
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
