# Reference values for tests/test_reliability_reference.py: alpha and omega of the raw-sum
# composite, from lavaan's one-factor CFA of the raw (unstandardised) items.
#
# Input: tests/reference/reliability_pool.csv, keyed self-report answers (healthy direction,
# 1-5) of 286 complete simulated persons (instrument v2, simulate_couples(1000 couples, seed 11),
# complete rows only). Run from the repository root:
#   Rscript tests/reference/omega_lavaan.R tests/reference/reliability_pool.csv \
#       tests/reference/omega_lavaan_values.csv
# Output: one row per group: group, items, alpha, omega (full double precision).
#
# omega = (sum of loadings)^2 / ((sum of loadings)^2 + sum of residual variances), loadings and
# residual variances unstandardised (McDonald 1999; semTools::compRelSEM with obs.var = FALSE
# gives the same number): the reliability of the unit-weighted sum of the raw items.
suppressPackageStartupMessages(library(lavaan))

args <- commandArgs(trailingOnly = TRUE)
input <- if (length(args) >= 1) args[1] else "tests/reference/reliability_pool.csv"
output <- if (length(args) >= 2) args[2] else "tests/reference/omega_lavaan_values.csv"

d <- read.csv(input)
prefix <- function(p) grep(paste0("^", p, "_s"), names(d), value = TRUE)
groups <- list(
  boundaries = prefix("bnd"),
  steadiness = prefix("std"),
  vulnerability = prefix("vul"),
  honest_communication = prefix("hon"),
  connection = c(prefix("vul"), prefix("rel"), prefix("rsp"), prefix("hon"), prefix("opn")),
  self = c(prefix("bnd"), prefix("no"), prefix("std"), prefix("wor"), prefix("own"),
           prefix("acc"), prefix("aut"))
)

alpha <- function(x) {
  s <- cov(x)
  k <- ncol(x)
  k / (k - 1) * (1 - sum(diag(s)) / sum(s))
}

rows <- list()
for (name in names(groups)) {
  items <- groups[[name]]
  stopifnot(length(items) >= 3)
  model <- paste("f =~", paste(items, collapse = " + "))
  fit <- cfa(model, data = d[, items], std.lv = TRUE, estimator = "ML")
  stopifnot(lavInspect(fit, "converged"))
  est <- parameterEstimates(fit)
  lambda <- est$est[est$op == "=~"]
  theta <- est$est[est$op == "~~" & est$lhs == est$rhs & est$lhs != "f"]
  omega <- sum(lambda)^2 / (sum(lambda)^2 + sum(theta))
  rows[[length(rows) + 1]] <- data.frame(
    group = name, items = length(items),
    alpha = sprintf("%.17g", alpha(as.matrix(d[, items]))),
    omega = sprintf("%.17g", omega)
  )
}
write.csv(do.call(rbind, rows), output, row.names = FALSE)
