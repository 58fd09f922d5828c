# Reference values for tests/test_diary_reference.py (AR(1) residuals and indistinguishable dyads):
# nlme::lme on a diary file in the person-period pairwise layout (one row per person per day; own
# variables _A, partner's _P; genderE 1 men, -1 women; Day whole numbers).
#
# nlme takes one correlation structure per model. With AR(1) residuals it is each person's
# residuals over the days, phi^|Day - Day'| (corAR1 becomes corARMA(1, 0) where a person has a
# missing day, so the gap is counted, never bridged); the partners' residuals are then
# independent given the random effects, with a residual SD per role (varIdent).
#
# Run from the repository root, on the Kashy diary and on a simulated diary with AR(1) residuals
# (tests/reference/diary_simulated_ar1.csv: interdep.science.apim.simulate_diary.simulate_diary(
# 60, 14, rho=0, phi=0.4, effect_sd=(0.1, 0.05), missing=0.1, roles=("F", "M"), seed=15), its
# columns named as in the Kashy file, man/woman/genderE added, rounded to 4 decimals):
#   Rscript tests/reference/diary_nlme_ar1.R KASHY.csv tests/reference/diary_nlme_ar1_kashy_values.csv
# (KASHY.csv: the Kashy person-period pairwise file that tests/test_diary_reference.py reads)
#   Rscript tests/reference/diary_nlme_ar1.R tests/reference/diary_simulated_ar1.csv \
#       tests/reference/diary_nlme_ar1_simulated_values.csv
# Output: one row per number: model, quantity, term, value (full double precision).
suppressPackageStartupMessages(library(nlme))

args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], na.strings = c("", " "), stringsAsFactors = FALSE, check.names = FALSE)
names(d) <- make.unique(names(d))
d <- d[order(d$dyadid, d$genderS, d$Day), ]
d$genderS <- factor(d$genderS)

rows <- list()
put <- function(model, quantity, term, value) {
  rows[[length(rows) + 1]] <<- data.frame(model = model, quantity = quantity, term = term,
                                          value = sprintf("%.17g", value))
}
report_lme <- function(model, fit) {
  put(model, "loglik", "", as.numeric(logLik(fit)))
  put(model, "aic", "", AIC(fit))
  put(model, "bic", "", BIC(fit))
  put(model, "n_obs", "", fit$dims$N)
  put(model, "sigma", "", fit$sigma)
  cs <- fit$modelStruct$corStruct
  put(model, if (inherits(cs, "corCompSymm")) "rho" else "phi", "",
      coef(cs, unconstrained = FALSE)[[1]])
  if (!is.null(fit$modelStruct$varStruct)) {
    put(model, "ratio", "", coef(fit$modelStruct$varStruct, unconstrained = FALSE))
  }
  tt <- summary(fit)$tTable
  for (term in rownames(tt)) {
    put(model, "estimate", term, tt[term, "Value"])
    put(model, "se", term, tt[term, "Std.Error"])
  }
  G <- as.matrix(getVarCov(fit))
  nm <- rownames(G)
  for (i in seq_along(nm)) {
    put(model, "re_sd", nm[i], sqrt(G[i, i]))
    if (i > 1) for (j in 1:(i - 1)) put(model, "re_corr", paste(nm[j], nm[i], sep = "|"),
                                        G[i, j] / sqrt(G[i, i] * G[j, j]))
  }
  put(model, "seconds", "", attr(fit, "seconds"))
}
timed_lme <- function(...) {
  t0 <- proc.time()[["elapsed"]]
  fit <- lme(..., na.action = na.omit, control = lmeControl(maxIter = 500, msMaxIter = 500,
                                                            niterEM = 50, msMaxEval = 2000))
  attr(fit, "seconds") <- proc.time()[["elapsed"]] - t0
  fit
}
ar1 <- corAR1(form = ~ Day | dyadid / genderS)
vi <- varIdent(form = ~ 1 | genderS)

for (method in c("REML", "ML")) {
  # longitudinal APIM, interaction parametrisation, AR(1) residuals within person
  report_lme(paste0("lapim_int_ar1_", method), timed_lme(
    satisf_A ~ genderE * conflict_A + genderE * conflict_P, data = d,
    random = ~ man + woman + conflict_A + conflict_P - 1 | dyadid,
    correlation = ar1, weights = vi, method = method))
  # dyadic growth curve, AR(1) residuals within person, role-specific random intercepts (with
  # random time slopes as well nlme stops with a singular convergence on the Kashy data)
  report_lme(paste0("growth_ar1_", method), timed_lme(
    satisf_A ~ man + woman + man:time + woman:time - 1, data = d,
    random = ~ man + woman - 1 | dyadid,
    correlation = ar1, weights = vi, method = method))
  # indistinguishable dyads: one intercept, one residual variance, partners correlated per day
  report_lme(paste0("indist_cs_", method), timed_lme(
    satisf_A ~ conflict_A + conflict_P, data = d, random = ~ 1 | dyadid,
    correlation = corCompSymm(form = ~ 1 | dyadid / Day), method = method))
  # indistinguishable dyads with AR(1) residuals within person
  report_lme(paste0("indist_ar1_", method), timed_lme(
    satisf_A ~ conflict_A + conflict_P, data = d, random = ~ 1 | dyadid,
    correlation = ar1, method = method))
}

write.csv(do.call(rbind, rows), args[2], row.names = FALSE)
