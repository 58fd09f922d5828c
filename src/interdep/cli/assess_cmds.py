"""`interdep assess`: the assessment in a terminal, one item at a time, resumable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from interdep.cli.app import app, console, reports_input_errors, write_atomically
from interdep.science.instrument import CURRENT_VERSION

HELP_LINE = "Answer 1-5 · [b]ack · [s]kip · [q]uit (your answers are saved)"
MAP_WIDTH, MAP_HEIGHT = 41, 15


def _load_progress(path: Path, version: str) -> dict:
    if not path.exists():
        return {"instrument_version": version, "answers": {}, "position": 0}
    try:
        state = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise typer.BadParameter(f"cannot read the save file {path}: {exc}") from exc
    if state.get("instrument_version") != version:
        raise typer.BadParameter(
            f"{path} holds answers for instrument {state.get('instrument_version')}; use another --save-file"
        )
    return state


def _save(path: Path, state: dict) -> None:
    write_atomically(str(path), json.dumps(state, indent=1))


def text_map(connection: float, self_: float, cutoff: float = 50.0) -> str:
    """The Connection x Self map as text: Self across, Connection up, the person as ●."""
    grid = [[" "] * MAP_WIDTH for _ in range(MAP_HEIGHT)]
    mid_x = round(cutoff / 100 * (MAP_WIDTH - 1))
    mid_y = MAP_HEIGHT - 1 - round(cutoff / 100 * (MAP_HEIGHT - 1))
    for y in range(MAP_HEIGHT):
        grid[y][mid_x] = "│"
    for x in range(MAP_WIDTH):
        grid[mid_y][x] = "┼" if x == mid_x else "─"
    labels = {
        (1, 1): "codependent",
        (1, mid_x + 2): "interdependent",
        (MAP_HEIGHT - 2, 1): "disconnected",
        (MAP_HEIGHT - 2, mid_x + 2): "independent",
    }
    for (y, x), word in labels.items():
        for k, ch in enumerate(word):
            if x + k < MAP_WIDTH:
                grid[y][x + k] = ch
    px = round(self_ / 100 * (MAP_WIDTH - 1))
    py = MAP_HEIGHT - 1 - round(connection / 100 * (MAP_HEIGHT - 1))
    grid[py][px] = "●"
    lines = ["Connection ↑"] + ["".join(row) for row in grid] + [" " * (MAP_WIDTH - 8) + "Self →"]
    return "\n".join(lines)


def show_profile(result) -> None:
    from interdep.science.profile import DYNAMIC_LABELS  # deferred: keeps startup fast

    console.rule("Your profile")
    console.print(result.dynamic_note)
    table = Table(header_style="bold")
    table.add_column("score")
    table.add_column("0-100", justify="right")
    for name, value in result.scales.items():
        table.add_row(name.capitalize(), "—" if value is None else f"{value:.0f}")
    for facet, value in result.facets.items():
        table.add_row(f"  {facet.replace('_', ' ')}", "—" if value is None else f"{value:.0f}")
    console.print(table)
    if result.scales["connection"] is not None and result.scales["self"] is not None:
        console.print(text_map(result.scales["connection"], result.scales["self"]), highlight=False)
    if result.quadrant:
        console.print(f"Closest description: [bold]{DYNAMIC_LABELS[result.quadrant]}[/]")


@app.command()
@reports_input_errors
def assess(
    save_file: Annotated[
        Path, typer.Option(help="Where answers are kept between sessions.")
    ] = Path("interdep-assessment.json"),
    version: Annotated[str, typer.Option(help="Instrument version.")] = CURRENT_VERSION,
) -> None:
    """Take the assessment in the terminal, one statement at a time (resumable), then see your profile."""
    from interdep.science.instrument import load_instrument  # deferred: keeps startup fast
    from interdep.science.results import score_answers  # deferred: keeps startup fast

    instrument = load_instrument(version)
    items = list(instrument.self_items) + list(instrument.partner_items)
    state = _load_progress(save_file, version)
    answers: dict[str, int] = state["answers"]
    position = min(int(state.get("position", 0)), len(items))
    scale = instrument.scale
    console.print(f"[bold]{instrument.name}[/] — {len(items)} statements. {HELP_LINE}")
    console.print("  ".join(f"{k} = {v}" for k, v in scale.anchors.items()), style="dim")
    while position < len(items):
        item = items[position]
        if item.kind == "partner" and position == len(instrument.self_items):
            console.print("\nThe last statements are about your partner, as you see them.")
        done = sum(1 for i in items if i.id in answers)
        prior = answers.get(item.id)
        hint = f" (was {prior})" if prior is not None else ""
        raw = typer.prompt(
            f"[{position + 1}/{len(items)} · {done} answered] {item.text}{hint}",
            default="",
            show_default=False,
        )
        choice = raw.strip().lower()
        if choice in {"q", "quit"}:
            state.update(answers=answers, position=position)
            _save(save_file, state)
            console.print(f"Saved. Run the same command to continue ({save_file}).")
            raise typer.Exit(0)
        if choice in {"b", "back"}:
            position = max(0, position - 1)
            continue
        if choice in {"s", "skip", ""}:
            position += 1
        elif choice.isdigit() and scale.min <= int(choice) <= scale.max:
            answers[item.id] = int(choice)
            position += 1
        else:
            console.print(
                f"Please answer with a whole number from {scale.min} to {scale.max}, or b, s, q.",
                style="yellow",
            )
            continue
        state.update(answers=answers, position=position)
        _save(save_file, state)
    result = score_answers(instrument, answers)
    show_profile(result)
    if instrument.safety_raised(answers):
        console.print(
            "\nSome of your answers mention fear or pressure. You deserve to feel safe. If you ever feel unsafe, "
            "contact local emergency services, or a domestic-abuse helpline in your country, in confidence.",
            style="bold",
        )
