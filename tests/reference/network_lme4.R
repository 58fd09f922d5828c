# Reference values for tests/test_network_reference.py: the multilevel VAR(1) network of mlVAR's
# lmer estimator (orthogonal temporal and contemporaneous effects), written as plain lmer calls.
#
# Run from the repository root, with the shared reference data beside the repository:
#   Rscript tests/reference/network_lme4.R ../shared/reference-data/dyadmlvar_sample1_derived.csv \
#       tests/reference/network_lme4_values.csv
# Output: one row per number: config, step, outcome, quantity, term, value (full precision).
# Every model is fitted twice: with lmer's default control (what an mlVAR run does; timed, the time
# is printed on stderr as "lmer seconds: ..." (wall) and "lmer cpu seconds: ..." for
# bench/network.py, and its estimates are kept as quantity "estimate_default"/"se_default"),
# then refitted from there with a tight BOBYQA stopping
# rule (rhoend 1e-11) so the reference values are the maximum of the likelihood rather than where
# the default stopping rule happens to land (the two differ by up to about 1e-5 on this diary).
# The contemporaneous step uses the residuals of the tight temporal fits.
#
# Data preparation follows mlVAR (lags = 1, the diary day as the beep variable):
# grand standardisation (scale), every day of a couple's span present (a missing day is a row of
# NAs, so a lag never bridges a gap), lagged variables centred within couple (and standardised
# with scaleWithin), outcomes standardised within couple around their own mean with scaleWithin,
# couple means of the other variables as level-2 predictors, complete rows only. A couple in which
# a variable (or its lagged series) has no within-couple variance is dropped.
suppressPackageStartupMessages(library(lme4))

args <- commandArgs(trailingOnly = TRUE)
input <- if (length(args) >= 1) args[1] else "../shared/reference-data/dyadmlvar_sample1_derived.csv"
output <- if (length(args) >= 2) args[2] else "tests/reference/network_lme4_values.csv"
vars <- if (length(args) >= 3) strsplit(args[3], ",")[[1]] else
  c("M_Anx.", "M_Sad.", "M_Vig.", "M_Con.", "W_Anx.", "W_Sad.", "W_Vig.", "W_Con.")
id_col <- if (length(args) >= 4) args[4] else "ID"
time_col <- if (length(args) >= 5) args[5] else "DIARYDAY"
configs <- if (length(args) >= 6) strsplit(args[6], ",")[[1]] else c("scale+within", "scale")

raw <- read.csv(input, check.names = FALSE)
raw <- data.frame(ID = raw[[id_col]], DAY = raw[[time_col]], raw[, vars], check.names = FALSE)
p <- length(vars)

prepare <- function(d, scale, within) {
  if (scale) for (v in vars) {
    s <- sd(d[[v]], na.rm = TRUE)
    d[[v]] <- if (is.na(s) || s == 0) 0 * d[[v]] else (d[[v]] - mean(d[[v]], na.rm = TRUE)) / s
  }
  span <- do.call(rbind, lapply(split(d, d$ID), function(x)
    data.frame(ID = x$ID[1], DAY = seq(min(x$DAY), max(x$DAY)))))
  a <- merge(span, d, by = c("ID", "DAY"), all.x = TRUE)
  a <- a[order(a$ID, a$DAY), ]
  zero <- rep(FALSE, nrow(a))
  for (i in seq_len(p)) {
    x <- a[[vars[i]]]
    lagged <- ave(x, a$ID, FUN = function(z) c(NA, head(z, -1)))
    sd_own <- ave(x, a$ID, FUN = function(z) sd(z, na.rm = TRUE))
    sd_lag <- ave(lagged, a$ID, FUN = function(z) sd(z, na.rm = TRUE))
    zero <- zero | (!is.na(sd_own) & sd_own == 0) | (!is.na(sd_lag) & sd_lag == 0)
    a[[paste0("L", i)]] <- ave(lagged, a$ID, FUN = function(z) {
      z <- z - mean(z, na.rm = TRUE)
      if (within) z <- z / sd(z, na.rm = TRUE)
      z
    })
    a[[paste0("M", i)]] <- ave(x, a$ID, FUN = function(z) mean(z, na.rm = TRUE))
    a[[paste0("Y", i)]] <- if (within) ave(x, a$ID, FUN = function(z) {
      m <- mean(z, na.rm = TRUE)
      (z - m) / sd(z, na.rm = TRUE) + m
    }) else x
  }
  dropped <- unique(a$ID[zero])
  a <- a[!(a$ID %in% dropped), ]
  keep <- c("ID", "DAY", paste0("Y", 1:p), paste0("L", 1:p), paste0("M", 1:p))
  a <- na.omit(a[, keep])
  a$ID <- factor(a$ID)
  list(data = a, dropped = dropped)
}

rows <- list()
put <- function(config, step, outcome, quantity, term, value) {
  rows[[length(rows) + 1]] <<- data.frame(config = config, step = step, outcome = outcome,
    quantity = quantity, term = term, value = sprintf("%.17g", value))
}
tight <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-11, maxfun = 1e6),
                     check.conv.singular = "ignore")
report_default <- function(config, step, outcome, fit) {
  cf <- summary(fit)$coefficients
  for (term in rownames(cf)) {
    put(config, step, outcome, "estimate_default", term, cf[term, "Estimate"])
    put(config, step, outcome, "se_default", term, cf[term, "Std. Error"])
  }
  put(config, step, outcome, "loglik_default", "", as.numeric(logLik(fit)))
}
refit <- function(fit) {
  update(fit, start = getME(fit, "theta"), control = tight)
}
report <- function(config, step, outcome, fit) {
  cf <- summary(fit)$coefficients
  for (term in rownames(cf)) {
    put(config, step, outcome, "estimate", term, cf[term, "Estimate"])
    put(config, step, outcome, "se", term, cf[term, "Std. Error"])
  }
  vc <- as.data.frame(VarCorr(fit))
  for (k in seq_len(nrow(vc))) {
    if (vc$grp[k] == "Residual") next
    term <- if (is.na(vc$var1[k])) "(Intercept)" else vc$var1[k]
    put(config, step, outcome, "random_sd", term, vc$sdcor[k])
  }
  put(config, step, outcome, "sigma", "", sigma(fit))
  put(config, step, outcome, "loglik", "", as.numeric(logLik(fit)))
  put(config, step, outcome, "n_obs", "", nobs(fit))
  put(config, step, outcome, "n_groups", "", ngrps(fit)[[1]])
}

elapsed <- 0
cpu <- 0
cpu_now <- function() sum(proc.time()[c("user.self", "sys.self")])
for (config in configs) {
  within <- grepl("within", config)
  prep <- prepare(raw, scale = grepl("scale", config), within = within)
  a <- prep$data
  put(config, "data", "", "n_dropped", "", length(prep$dropped))
  resid <- data.frame(ID = a$ID)
  for (j in seq_len(p)) {
    lags <- paste0("L", 1:p, collapse = " + ")
    means <- paste0("M", setdiff(1:p, j), collapse = " + ")
    f <- as.formula(paste0("Y", j, " ~ ", lags, " + ", means, " + (", lags, " || ID)"))
    t0 <- proc.time()[["elapsed"]]
    c0 <- cpu_now()
    fit <- lmer(f, data = a, REML = FALSE)
    elapsed <- elapsed + proc.time()[["elapsed"]] - t0
    cpu <- cpu + cpu_now() - c0
    report_default(config, "temporal", vars[j], fit)
    fit <- refit(fit)
    report(config, "temporal", vars[j], fit)
    resid[[paste0("R", j)]] <- residuals(fit)
  }
  for (j in seq_len(p)) {
    others <- paste0("R", setdiff(1:p, j), collapse = " + ")
    f <- as.formula(paste0("R", j, " ~ 0 + ", others, " + (0 + ", others, " || ID)"))
    t0 <- proc.time()[["elapsed"]]
    c0 <- cpu_now()
    fit <- lmer(f, data = resid, REML = FALSE)
    elapsed <- elapsed + proc.time()[["elapsed"]] - t0
    cpu <- cpu + cpu_now() - c0
    report_default(config, "contemporaneous", vars[j], fit)
    report(config, "contemporaneous", vars[j], refit(fit))
  }
}
write.csv(do.call(rbind, rows), output, row.names = FALSE, quote = TRUE)
message(sprintf("lmer seconds: %.3f", elapsed))
message(sprintf("lmer cpu seconds: %.3f", cpu))
