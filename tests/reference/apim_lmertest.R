# Satterthwaite (lmerTest) and Kenward-Roger (pbkrtest) degrees of freedom for the
# indistinguishable cross-sectional APIM on the Acitelli couples, written for lmer as a random
# intercept per couple (the same model as gls with corCompSymm when rho > 0).
#
# Run from the repository root:
#   Rscript tests/reference/apim_lmertest.R ../shared/reference-data/dyadr_acipair_derived.csv \
#       tests/reference/apim_lmertest_values.csv
suppressPackageStartupMessages({
  library(lme4)
  library(lmerTest)
  library(pbkrtest)
})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
rows <- list()
put <- function(model, quantity, term, value) {
  rows[[length(rows) + 1]] <<- data.frame(model = model, quantity = quantity, term = term,
                                          value = sprintf("%.17g", value))
}
fits <- list(
  indist_REML = lmer(Satisfaction_A ~ OtherPos_A + OtherPos_P + (1 | CoupleID), data = d),
  tension_REML = lmer(Satisfaction_A ~ Tension_A + SelfPos_P + (1 | CoupleID), data = d)
)
for (name in names(fits)) {
  fit <- fits[[name]]
  put(name, "loglik", "", as.numeric(logLik(fit)))
  sat <- summary(fit, ddf = "Satterthwaite")$coefficients
  kr <- summary(fit, ddf = "Kenward-Roger")$coefficients
  for (term in rownames(sat)) {
    put(name, "estimate", term, sat[term, "Estimate"])
    put(name, "se", term, sat[term, "Std. Error"])
    put(name, "df_satterthwaite", term, sat[term, "df"])
    put(name, "se_kr", term, kr[term, "Std. Error"])
    put(name, "df_kr", term, kr[term, "df"])
  }
}
write.csv(do.call(rbind, rows), args[2], row.names = FALSE)
