"""Research consent and the staff psychometrics view (reliability of facets and scales from the
real pool of answers of consenting people).

No models of its own: the consent flag lives on the account (accounts.User.research_consent),
and the pool is computed on request, so withdrawing takes a person out of it at once.
"""
