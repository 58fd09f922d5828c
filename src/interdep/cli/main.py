"""Entry point: importing the command modules registers their commands on the shared app."""

# Each command module registers its commands on the shared app when imported; keep one per line.
from interdep.cli import (
    apim_cmds,  # noqa: F401
    assess_cmds,  # noqa: F401
    assessment_cmds,  # noqa: F401
    dynamics_cmds,  # noqa: F401
    network_cmds,  # noqa: F401
    score_cmds,  # noqa: F401
    web_cmds,  # noqa: F401
)
from interdep.cli import app as _app_module

app = _app_module.app

if __name__ == "__main__":  # pragma: no cover
    app()
