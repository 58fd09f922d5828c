# Reference values for tests/test_diary_reference.py: nlme::lme (and lme4/lmerTest/pbkrtest where
# the model can be written for lmer) on a diary file in the person-period pairwise layout
# (one row per person per day; own variables _A, partner's _P; genderE 1 men, -1 women).
#
# Run from the repository root:
#   Rscript tests/reference/diary_nlme.R INPUT.csv OUTPUT.csv [dyad] [day] [time]
# Output: one row per number: model, quantity, term, value (full double precision).
suppressPackageStartupMessages({
  library(nlme)
  library(lme4)
  library(lmerTest)
  library(pbkrtest)
})

args <- commandArgs(trailingOnly = TRUE)
input <- args[1]
output <- args[2]
d <- read.csv(input, na.strings = c("", " "), stringsAsFactors = FALSE, check.names = FALSE)
names(d) <- make.unique(names(d))
d <- d[order(d$dyadid, d$genderS, d$Day), ]
d$genderS <- factor(d$genderS)
# lag by one day within person: the value of the row whose Day is exactly one less
key <- paste(d$dyadid, d$genderS, d$Day)
prev <- match(paste(d$dyadid, d$genderS, d$Day - 1), key)
d$conflict_A_lag <- d$conflict_A[prev]
d$conflict_P_lag <- d$conflict_P[prev]

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
  put(model, "rho", "", coef(fit$modelStruct$corStruct, unconstrained = FALSE))
  if (!is.null(fit$modelStruct$varStruct)) {
    put(model, "ratio", "", coef(fit$modelStruct$varStruct, unconstrained = FALSE))
  }
  tt <- summary(fit)$tTable
  for (term in rownames(tt)) {
    put(model, "estimate", term, tt[term, "Value"])
    put(model, "se", term, tt[term, "Std.Error"])
    put(model, "df", term, tt[term, "DF"])
  }
  G <- as.matrix(getVarCov(fit))
  nm <- rownames(G)
  for (i in seq_along(nm)) {
    put(model, "re_sd", nm[i], sqrt(G[i, i]))
    if (i > 1) for (j in 1:(i - 1)) put(model, "re_corr", paste(nm[j], nm[i], sep = "|"),
                                        G[i, j] / sqrt(G[i, i] * G[j, j]))
  }
  vc <- fit$varFix
  for (i in rownames(vc)) for (j in colnames(vc)) put(model, "vcov", paste(i, j, sep = "|"), vc[i, j])
  put(model, "seconds", "", attr(fit, "seconds"))
}
timed_lme <- function(...) {
  t0 <- proc.time()[["elapsed"]]
  fit <- lme(..., na.action = na.omit, control = lmeControl(maxIter = 500, msMaxIter = 500,
                                                            niterEM = 50, msMaxEval = 2000))
  attr(fit, "seconds") <- proc.time()[["elapsed"]] - t0
  fit
}
cs <- corCompSymm(form = ~ 1 | dyadid / Day)
vi <- varIdent(form = ~ 1 | genderS)

for (method in c("REML", "ML")) {
  report_lme(paste0("lapim_int_", method), timed_lme(
    satisf_A ~ genderE * conflict_A + genderE * conflict_P, data = d,
    random = ~ man + woman + conflict_A + conflict_P - 1 | dyadid,
    correlation = cs, weights = vi, method = method))
  report_lme(paste0("lapim_two_", method), timed_lme(
    satisf_A ~ man + woman + man:conflict_A + woman:conflict_A + man:conflict_P +
      woman:conflict_P - 1, data = d,
    random = ~ man + woman + conflict_A + conflict_P - 1 | dyadid,
    correlation = cs, weights = vi, method = method))
  report_lme(paste0("stab_int_", method), timed_lme(
    satisf_A ~ genderE * conflict_A_lag + genderE * conflict_P_lag, data = d,
    random = ~ man + woman + man:time + woman:time - 1 | dyadid,
    correlation = cs, weights = vi, method = method))
  report_lme(paste0("growth_", method), timed_lme(
    satisf_A ~ man + woman + man:time + woman:time - 1, data = d,
    random = ~ man + woman + man:time + woman:time - 1 | dyadid,
    correlation = cs, weights = vi, method = method))
}

# The same growth model with one residual variance, written for lmer: the within-day correlation
# of the partners is a random intercept per dyad-day. Satterthwaite (lmerTest) and Kenward-Roger
# (pbkrtest) degrees of freedom for each fixed effect.
d$dyadday <- paste(d$dyadid, d$Day)
ok <- !is.na(d$satisf_A)
fit <- lmer(satisf_A ~ man + woman + man:time + woman:time - 1 +
              (man + woman + man:time + woman:time - 1 | dyadid) + (1 | dyadday),
            data = d[ok, ], REML = TRUE,
            control = lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5)))
put("growth_lmer", "loglik", "", as.numeric(logLik(fit)))
sat <- summary(fit, ddf = "Satterthwaite")$coefficients
kr <- summary(fit, ddf = "Kenward-Roger")$coefficients
for (term in rownames(sat)) {
  put("growth_lmer", "estimate", term, sat[term, "Estimate"])
  put("growth_lmer", "se", term, sat[term, "Std. Error"])
  put("growth_lmer", "df_satterthwaite", term, sat[term, "df"])
  put("growth_lmer", "se_kr", term, kr[term, "Std. Error"])
  put("growth_lmer", "df_kr", term, kr[term, "df"])
}
vc <- as.data.frame(VarCorr(fit))
put("growth_lmer", "sigma", "", sigma(fit))
put("growth_lmer", "dyadday_sd", "", vc$sdcor[vc$grp == "dyadday"])

write.csv(do.call(rbind, rows), output, row.names = FALSE)
