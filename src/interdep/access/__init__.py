"""Who may see what: the one place that decides every access to a person's data.

Pages, the JSON API and exports all ask these modules; none of them filters by person on its
own. ``core`` holds membership and consent; every other module holds the rules of one feature
and imports only that feature's models. The rules:

- a person sees their own answers, assessments and report, and nobody else's;
- a linked partner sees only the couple report, and only while both partners have submitted an
  assessment and both have said yes to sharing; never item-level answers, never a safety signal;
- everyone else (a stranger, a former partner, staff) is told nothing: what they may not see
  looks exactly like what does not exist (404).
"""
