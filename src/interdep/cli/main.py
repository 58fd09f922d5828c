"""Entry point: every command is named here and its module imported only when it runs.

`interdep --help` and `interdep version` then start on typer and rich alone; `interdep dynamics`
loads numpy and pandas, `interdep serve` Django. One `lazy_commands` call per command module.
"""

from interdep import __version__
from interdep.cli.app import app, echo, lazy_commands, plain_command


def version() -> None:
    """Print the Interdep version."""
    echo(__version__)


plain_command("version", version)

lazy_commands(
    "interdep.cli.apim_cmds",
    {
        "apim": "Fit the Actor-Partner Interdependence Model (GLS with correlated dyad residuals).",
        "reshape": "Convert dyadic data between the individual, dyad and pairwise layouts.",
        "apim-simulate": "Write simulated couples with known actor and partner effects (for learning and checks).",
    },
)
lazy_commands(
    "interdep.cli.assess_cmds",
    {
        "assess": "Take the assessment in the terminal, one statement at a time (resumable), then see your profile.",
    },
)
lazy_commands(
    "interdep.cli.assessment_cmds",
    {
        "instrument": "Show the assessment instrument: facets, items, keys and scale.",
    },
)
lazy_commands(
    "interdep.cli.diary_cmds",
    {
        "growth": "Fit a dyadic growth curve: role-specific intercepts and slopes, random per dyad.",
        "apim-power": "Power of the APIM's actor and partner tests, by simulation with the fast fit (and analytically for cross-sectional indistinguishable dyads).",
        "diary-simulate": "Write a simulated couples' diary (person-period pairwise layout) with known effects.",
    },
)
lazy_commands(
    "interdep.cli.dynamics_cmds",
    {
        "dynamics": "Each couple's inertia, transmission both ways, asymmetry and co-movement, and a pooled summary.",
        "simulate-checkins": "Simulated check-ins of couples with known dynamics, missed prompts and irregular times.",
    },
)
lazy_commands(
    "interdep.cli.network_cmds",
    {
        "network": "A multilevel VAR(1) network of both partners' variables (temporal, contemporaneous, between-couple), couple indices and a pseudo-couple chance baseline.",
    },
)
lazy_commands(
    "interdep.cli.score_cmds",
    {
        "score": "Score an answer file: each person's facets, scales and dynamic; each couple's report.",
        "simulate": "Simulate couples' answers from a generative model with a known latent truth.",
        "reliability": "Cronbach's alpha and McDonald's omega per facet and scale on a pool of answers.",
    },
)
lazy_commands(
    "interdep.cli.web_cmds",
    {
        "serve": "Run the web application through gunicorn, with the task worker and the reminder scheduler beside it, all stopping with this process (migrations and static files first).",
        "demo": "Create a demo couple who have linked, answered and said yes to sharing, and a verified clinician they both granted access; print the logins.",
        "manage": "Django's manage.py, e.g. `interdep manage createsuperuser`, `interdep manage check --deploy`.",
    },
)

__all__ = ["app"]

if __name__ == "__main__":  # pragma: no cover
    app()
