"""Commands about the instrument and assessment scoring."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from interdep.cli.app import app, console, echo, reports_input_errors
from interdep.science.instrument import CURRENT_VERSION, load_instrument


class InstrumentFormat(StrEnum):
    json = "json"
    table = "table"


@app.command()
@reports_input_errors
def instrument(
    format: Annotated[
        InstrumentFormat,
        typer.Option("--format", "-f", help="json (machine-readable) or table."),
    ] = InstrumentFormat.table,
    instrument_version: Annotated[
        str,
        typer.Option("--instrument-version", help="Which shipped instrument version to show."),
    ] = CURRENT_VERSION,
) -> None:
    """Show the assessment instrument: facets, items, keys and scale."""
    inst = load_instrument(instrument_version)
    if format is InstrumentFormat.json:
        echo(json.dumps(inst.to_dict(), indent=2, ensure_ascii=False))
        return
    anchors = ", ".join(f"{k} = {v}" for k, v in sorted(inst.scale.anchors.items()))
    table = Table(
        title=f"{inst.name} ({inst.version})",
        caption=f"Scale {inst.scale.min}-{inst.scale.max}: {anchors}. "
        "Safety items are screened privately.",
    )
    for column in ("facet", "item", "kind", "pole", "safety"):
        table.add_column(column, no_wrap=True)  # labels and ids stay whole; only the text folds
    table.add_column("text", ratio=1, overflow="fold")
    for facet in inst.facets:
        items = [i for i in inst.items if i.facet == facet.id]
        for position, item in enumerate(items):
            heading = f"[bold]{facet.label}[/]\n[dim]{facet.capacity}[/]" if position == 0 else ""
            safety = "yes" if item.safety else ""
            table.add_row(heading, item.id, item.kind, item.pole, safety, item.text)
        table.add_section()
    console.print(table)
