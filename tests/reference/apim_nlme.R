# Reference values for tests/test_apim_reference.py, produced with nlme::gls on the Acitelli couples
# (pairwise layout: one row per person, own variables _A, partner's _P).
#
# Run from the repository root, with the shared reference data beside the repository:
#   Rscript tests/reference/apim_nlme.R ../shared/reference-data/dyadr_acipair_derived.csv \
#       tests/reference/apim_nlme_values.csv
# Output: one row per number: model, quantity, term, value (full double precision).
suppressPackageStartupMessages(library(nlme))

args <- commandArgs(trailingOnly = TRUE)
input <- if (length(args) >= 1) args[1] else "../shared/reference-data/dyadr_acipair_derived.csv"
output <- if (length(args) >= 2) args[2] else "tests/reference/apim_nlme_values.csv"

d <- read.csv(input, stringsAsFactors = FALSE)
d$Gender_A <- trimws(d$Gender_A)
# Husband first, so that the two-intercept terms read Husband, Wife (R orders factor levels A-Z).
d$Role <- factor(d$Gender_A, levels = c("Husband", "Wife"))
# Effect-coded role for the interaction approach: Husband -1, Wife +1.
d$RoleE <- ifelse(d$Role == "Wife", 1, -1)

rows <- list()
put <- function(model, quantity, term, value) {
  rows[[length(rows) + 1]] <<- data.frame(model = model, quantity = quantity, term = term,
                                          value = sprintf("%.17g", value))
}
report <- function(model, fit) {
  put(model, "loglik", "", as.numeric(logLik(fit)))
  put(model, "rho", "", coef(fit$modelStruct$corStruct, unconstrained = FALSE))
  put(model, "sigma", "", fit$sigma)
  put(model, "n_obs", "", fit$dims$N)
  tt <- summary(fit)$tTable
  for (term in rownames(tt)) {
    put(model, "estimate", term, tt[term, "Value"])
    put(model, "se", term, tt[term, "Std.Error"])
    put(model, "t", term, tt[term, "t-value"])
    put(model, "p", term, tt[term, "p-value"])
  }
  if (!is.null(fit$modelStruct$varStruct)) {
    # residual SD of each role: sigma / varWeights (varIdent's weight is 1 / delta of the role)
    w <- varWeights(fit$modelStruct$varStruct)
    g <- as.character(getGroups(fit$modelStruct$varStruct))
    for (role in unique(g)) put(model, "residual_sd", role, fit$sigma / w[g == role][1])
  }
}

cs <- corCompSymm(form = ~ 1 | CoupleID)
vi <- varIdent(form = ~ 1 | Role)

for (method in c("REML", "ML")) {
  # Indistinguishable: the published workshop model.
  report(paste0("indist_", method),
         gls(Satisfaction_A ~ OtherPos_A + OtherPos_P, data = d, correlation = cs, method = method))
  # Distinguishable, two-intercept parametrisation.
  report(paste0("dist_two_", method),
         gls(Satisfaction_A ~ 0 + Role + Role:OtherPos_A + Role:OtherPos_P, data = d,
             correlation = cs, weights = vi, method = method))
  # Distinguishable, interaction approach (effect-coded role).
  report(paste0("dist_int_", method),
         gls(Satisfaction_A ~ OtherPos_A + OtherPos_P + RoleE + RoleE:OtherPos_A + RoleE:OtherPos_P,
             data = d, correlation = cs, weights = vi, method = method))
}

# Two predictors and a covariate, distinguishable.
report("dist_two_cov_REML",
       gls(Satisfaction_A ~ 0 + Role + Role:OtherPos_A + Role:OtherPos_P + Role:Tension_A + Role:Tension_P +
             Role:Yearsmar, data = d, correlation = cs, weights = vi, method = "REML"))

# Missing outcomes on one member: the partner's row is kept and contributes alone.
m <- d
m$Satisfaction_A[(m$CoupleID %% 7 == 0 & m$Partnum == 1) | (m$CoupleID %% 11 == 0 & m$Partnum == 2)] <- NA
put("missing", "n_missing", "", sum(is.na(m$Satisfaction_A)))
for (method in c("REML", "ML")) {
  report(paste0("missing_indist_", method),
         gls(Satisfaction_A ~ OtherPos_A + OtherPos_P, data = m, correlation = cs, method = method,
             na.action = na.omit))
  report(paste0("missing_dist_two_", method),
         gls(Satisfaction_A ~ 0 + Role + Role:OtherPos_A + Role:OtherPos_P, data = m,
             correlation = cs, weights = vi, method = method, na.action = na.omit))
}

# Test of distinguishability: ML fits, indistinguishable nested in distinguishable.
ind <- gls(Satisfaction_A ~ OtherPos_A + OtherPos_P, data = d, correlation = cs, method = "ML")
dis <- gls(Satisfaction_A ~ 0 + Role + Role:OtherPos_A + Role:OtherPos_P, data = d,
           correlation = cs, weights = vi, method = "ML")
a <- anova(ind, dis)
put("distinguishability", "lr", "", a$L.Ratio[2])
put("distinguishability", "df", "", a$df[2] - a$df[1])
put("distinguishability", "p", "", a$"p-value"[2])

write.csv(do.call(rbind, rows), output, row.names = FALSE, quote = TRUE)
cat("wrote", output, "\n")
