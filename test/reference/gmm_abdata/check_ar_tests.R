# Reproduces gretl AR(1)/AR(2) z for difference GMM from pgmm internals (see README, CONVENTIONS c).
# Run: Rscript check_ar_tests.R
suppressPackageStartupMessages(library(plm))
d <- read.csv("data.csv"); pd <- pdata.frame(d, index=c("id","year"))
fAB <- n ~ lag(n, 1:2) + lag(w, 0:1) + lag(k, 0:2) + lag(ys, 0:2) | lag(n, 2:99)
ar <- function(m, order, vv, mid, A) {
  resid <- m$residuals
  residl <- lapply(resid, function(x) c(rep(0, order), x[seq_len(length(x) - order)]))
  X <- lapply(m$model, function(x) x[, -1L, drop = FALSE]); W <- m$W
  EVE <- Reduce("+", mapply(function(x, y) t(y) %*% x %*% t(x) %*% y, resid, residl, SIMPLIFY = FALSE))
  EX <- Reduce("+", mapply(crossprod, residl, X, SIMPLIFY = FALSE))
  XZ <- Reduce("+", mapply(crossprod, W, X, SIMPLIFY = FALSE))
  ZVE <- Reduce("+", mapply(function(x, y, z) t(x) %*% y %*% t(y) %*% z, W, resid, residl, SIMPLIFY = FALSE))
  denom <- EVE - 2 * EX %*% mid %*% t(XZ) %*% A %*% ZVE + EX %*% vv %*% t(EX)
  num <- Reduce("+", mapply(crossprod, resid, residl, SIMPLIFY = FALSE))
  c(num/sqrt(denom))
}
m1 <- pgmm(fAB, data=pd, effect="twoways", model="onestep", transformation="d")
N <- 140
for (o in 1:2) cat("1step robust AR", o, ": mid=B1,A=A1:", ar(m1,o,vcovHC(m1),vcov(m1),m1$A1), "\n")
m2 <- pgmm(fAB, data=pd, effect="twoways", model="twosteps", transformation="d")
for (o in 1:2) {
 cat("2step W AR", o, ": mid=B2 :", ar(m2,o,vcovHC(m2),vcov(m2),m2$A2), " mid=W:", ar(m2,o,vcovHC(m2),vcovHC(m2) %*% solve(vcov(m2)) %*% vcov(m2),m2$A2), "\n")
}
# iid one-step: sigma2 = SSR/(2n)
u <- unlist(m1$residuals); s2 <- sum(u^2)/(2*sum(u!=0))
V <- vcov(m1)*N*s2/2
for (o in 1:2) cat("1step iid AR", o, ": V=s2/2*M^-1 :", ar(m1,o,V,vcov(m1),m1$A1), "\n")
cat("iid SE ratio check:", (0.21017510010224330/0.103702)^2, 4*611/595, "\n")
print(plm:::FD(3)); print(plm:::G(3))
