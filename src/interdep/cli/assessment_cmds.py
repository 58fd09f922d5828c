"""Commands about the instrument and assessment scoring."""

from __future__ import annotations

from interdep import __version__
from interdep.cli.app import app, echo


@app.command()
def version() -> None:
    """Print the Interdep version."""
    echo(__version__)
