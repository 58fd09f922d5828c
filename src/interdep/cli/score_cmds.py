"""Researcher commands for the assessment: score a file, simulate couples, check reliability."""

from __future__ import annotations

import json
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from interdep.cli.app import (
    AtomicOutput,
    app,
    console,
    echo,
    err_console,
    reports_input_errors,
    write_table,
)
from interdep.cli.cluster import MemoryLimitOption, SchedulerOption, WorkersOption
from interdep.cli.score_output import persons_csv_rows, persons_json_items
from interdep.lib.csv_writer import frame_csv
from interdep.science.instrument import CURRENT_VERSION

#: Rows per chunk when building results, so a large file shows progress as it goes.
CHUNK = 20_000
#: Persons (and couples) the terminal table shows.
TABLE_ROWS = 50


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


def score_answer_set(answers, *, show_progress: bool = False) -> tuple[list, list]:
    """Persons and (with couple ids) couples, scored chunk by chunk."""
    from interdep.science.couple import analyse_couple  # deferred: keeps startup fast
    from interdep.science.results import score_persons  # deferred: keeps startup fast

    n = len(answers)
    persons = []
    with _progress() as progress:
        task = progress.add_task("scoring", total=n, visible=show_progress)
        for start in range(0, n, CHUNK):
            stop = min(start + CHUNK, n)
            persons += score_persons(
                answers.instrument,
                answers.self_answers[start:stop],
                answers.person_ids[start:stop],
                answers.couple_ids[start:stop] if answers.couple_ids else None,
                answers.partner_answers[start:stop],
            )
            progress.update(task, completed=stop)
    couples = []
    if answers.couple_ids:
        members: dict[str, list] = {}
        for person in persons:
            members.setdefault(person.couple_id, []).append(person)
        couples = [
            analyse_couple(answers.instrument, a, b, couple_id=cid)
            for cid, (a, b) in members.items()
        ]
    return persons, couples


def short_dynamic(label: str | None) -> str:
    """A dynamic label that fits a terminal column: "between:a:b" reads "a ~ b"."""
    if label is None:
        return "—"
    return (
        label.removeprefix("between:")
        .replace(":", " ~ ")
        .replace("extreme_independence", "independent")
    )


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def table_preview(parts, shown: int = TABLE_ROWS) -> tuple[list, list, int]:
    """The persons and couples the table shows: the first ``shown`` of each, scored alone.

    Every part is read and checked; only the rows the table shows are kept and scored (scoring
    is row by row, so they score the same here as in a full run), so a million-row file prints
    its table in the time it takes to read it.
    """
    import numpy as np  # deferred: keeps startup fast

    from interdep.cli.score_input import rows_of  # deferred: keeps startup fast
    from interdep.science.answer_table import AnswerSet  # deferred: keeps startup fast
    from interdep.science.couple import analyse_couple  # deferred: keeps startup fast
    from interdep.science.results import score_persons  # deferred: keeps startup fast

    members: dict[str, list[int]] = {}
    waiting: set[str] = set()  # couples shown whose second partner is still to come
    kept: list[tuple[AnswerSet, list[int]]] = []  # rows kept from a part, and their places
    total = 0
    instrument = None
    for start, part in parts:
        instrument = part.instrument
        wanted = list(range(min(len(part), max(shown - start, 0))))
        # once the couples shown are complete, the rest of the file is only read and checked
        # (a third member of a couple is refused by the check after the last part)
        if len(members) < shown or waiting:
            for k, cid in enumerate(part.couple_ids or ()):
                if cid in members:
                    members[cid].append(start + k)
                    waiting.discard(cid)
                    wanted.append(k)
                elif len(members) < shown:
                    members[cid] = [start + k]
                    waiting.add(cid)
                    wanted.append(k)
        wanted = sorted(set(wanted))
        if wanted:
            kept.append((rows_of(part, wanted), [start + k for k in wanted]))
        total = start + len(part)
    if not kept:
        return [], [], total
    rows = [i for _, places in kept for i in places]
    with_couples = kept[0][0].couple_ids is not None
    scored = score_persons(
        instrument,
        np.concatenate([a.self_answers for a, _ in kept]),
        [p for a, _ in kept for p in a.person_ids],
        [c for a, _ in kept for c in a.couple_ids] if with_couples else None,
        np.concatenate([a.partner_answers for a, _ in kept]),
    )
    by_row = dict(zip(rows, scored, strict=True))
    persons = [by_row[i] for i in range(min(shown, total))]
    couples = [
        analyse_couple(instrument, by_row[a], by_row[b], couple_id=cid)
        for cid, (a, b) in members.items()
    ]
    return persons, couples, total


def _table(persons, couples, total: int | None = None) -> None:
    table = Table(title="Profiles", header_style="bold")
    for name in ("person", "couple", "Conn", "Self", "Fus", "Dist", "ratio"):
        table.add_column(name, justify="left" if name in ("person", "couple") else "right")
    table.add_column("dynamic", no_wrap=True, overflow="ellipsis")
    total = len(persons) if total is None else total
    for p in persons[:TABLE_ROWS]:
        s = p.scales
        table.add_row(
            p.person_id,
            p.couple_id or "",
            _fmt(s["connection"]),
            _fmt(s["self"]),
            _fmt(s["fusion"]),
            _fmt(s["distance"]),
            "—" if p.balance_ratio is None else f"{p.balance_ratio:.2f}",
            short_dynamic(p.dynamic),
        )
    console.print(table)
    if total > TABLE_ROWS:
        console.print(
            f"… and {total - TABLE_ROWS} more persons (use --format csv or json for all)."
        )
    if couples:
        ctable = Table(title="Couples", header_style="bold")
        for name in ("couple", "pattern", "profile r", "strengths", "growth edges"):
            ctable.add_column(name)
        for c in couples[:TABLE_ROWS]:
            r = c.agreement["profile_correlation"]
            ctable.add_row(
                str(c.couple_id),
                (c.pattern or "—") + (" (uncertain)" if c.pattern_uncertain else ""),
                "—" if r is None else f"{r:.2f}",
                ", ".join(s["facet"] for s in c.strengths),
                ", ".join(e["facet"] for e in c.growth_edges),
            )
        console.print(ctable)


@app.command()
@reports_input_errors
def score(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or Parquet (or a folder or glob of Parquet parts): one row per person, one column per item id."
        ),
    ],
    format: Annotated[ScoreFormat, typer.Option("--format", "-f")] = ScoreFormat.table,
    couple_column: Annotated[
        str | None, typer.Option(help="Column naming each person's couple.")
    ] = None,
    person_column: Annotated[str, typer.Option(help="Column naming each person.")] = "person_id",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    instrument_version: Annotated[
        str,
        typer.Option(
            help="Version the answers were given on (an instrument_version column overrides it)."
        ),
    ] = CURRENT_VERSION,
    use_dask: Annotated[
        bool,
        typer.Option(
            "--dask",
            help="Run on Dask's distributed scheduler, partitioned by person (a local cluster unless --scheduler).",
        ),
    ] = False,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    memory_limit: MemoryLimitOption = None,
) -> None:
    """Score an answer file: each person's facets, scales and dynamic; each couple's report."""
    from interdep.cli.score_input import answer_parts  # deferred: keeps startup fast

    if use_dask or scheduler:
        from interdep.cli.score_distributed import (  # deferred: dask loads only for a cluster run
            score_distributed,
        )

        score_distributed(
            file,
            fmt=format.value,
            output=output,
            person_column=person_column,
            couple_column=couple_column,
            instrument_version=instrument_version,
            scheduler=scheduler,
            workers=workers,
            memory_limit=memory_limit,
        )
        return
    # part by part: memory holds one part (and the ids, for the checks across the file)
    parts = answer_parts(
        file,
        person_column=person_column,
        couple_column=couple_column,
        default_version=instrument_version,
    )
    if format is ScoreFormat.table and output is None:
        persons, couples, total = table_preview(parts)
        _table(persons, couples, total=total)
        return
    with AtomicOutput(output) as sink:
        n_persons, n_couples = stream_scores(
            parts, format.value, sink, show_progress=err_console.is_terminal
        )
    if output is not None:
        err_console.print(f"wrote {n_persons} persons and {n_couples} couples to {output}")


def stream_scores(parts, fmt: str, out, *, show_progress: bool = False) -> tuple[int, int]:
    """Score part by part and write each part's persons as soon as they are scored.

    ``parts`` yields (index of the part's first person in the file, its AnswerSet). A couple is
    read together as soon as its second partner is scored; couples go to a side file and are
    copied after the persons in the order they first appear, as in one pass. Memory holds a
    part and the partners still waiting, not every person's result.
    """
    from interdep.science.couple import analyse_couple  # deferred: keeps startup fast
    from interdep.science.results import score_persons  # deferred: keeps startup fast

    n = 0
    waiting: dict[str, tuple[int, object]] = {}
    couple_order: dict[str, int] = {}
    spans: list[tuple[int, int, int]] = []  # (first appearance, offset, length) in the side file
    with tempfile.TemporaryFile() as side:
        n_couples = 0
        if fmt == "json":
            out.write('{"persons":[')
        with _progress() as progress:
            task = progress.add_task("scoring", total=None, visible=show_progress)
            for start, part in parts:
                n = start + len(part)
                if fmt == "csv":
                    out.write(persons_csv_rows(part, header=start == 0))
                    progress.update(task, completed=n)
                    continue
                persons = score_persons(
                    part.instrument,
                    part.self_answers,
                    part.person_ids,
                    part.couple_ids,
                    part.partner_answers,
                )
                items = persons_json_items(persons)
                out.write(("," if start and items else "") + items)
                if part.couple_ids:
                    for k, person in enumerate(persons):
                        cid = person.couple_id
                        if cid not in waiting:
                            couple_order.setdefault(cid, start + k)
                            waiting[cid] = (start + k, person)
                            continue
                        _, first = waiting.pop(cid)
                        couple = analyse_couple(part.instrument, first, person, couple_id=cid)
                        data = json.dumps(couple.to_dict(), separators=(",", ":")).encode()
                        spans.append((couple_order.pop(cid), side.tell(), len(data)))
                        side.write(data)
                        n_couples += 1
                progress.update(task, completed=n)
        if fmt == "json":
            out.write('],"couples":[')
            for i, (_, offset, length) in enumerate(sorted(spans)):
                side.seek(offset)
                out.write(("," if i else "") + side.read(length).decode())
            out.write("]}")
    return n, n_couples


@app.command()
@reports_input_errors
def simulate(
    couples: Annotated[int, typer.Option(min=1, help="How many couples.")] = 100,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = 0,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Answers CSV (or .parquet).")
    ] = Path("answers.csv"),
    truth: Annotated[Path | None, typer.Option(help="Also write the latent truth here.")] = None,
) -> None:
    """Simulate couples' answers from a generative model with a known latent truth."""
    from interdep.science.instrument import load_instrument  # deferred: keeps startup fast
    from interdep.science.simulate import simulate_couples  # deferred: keeps startup fast

    answers, latent = simulate_couples(load_instrument(), couples, seed=seed)
    write_table(answers, output)
    if truth is not None:
        write_table(latent, truth)
    err_console.print(f"wrote {len(answers)} persons in {couples} couples to {output}")


@app.command()
@reports_input_errors
def reliability(
    file: Annotated[Path, typer.Argument(help="Answer file as for `interdep score`.")],
    person_column: Annotated[str, typer.Option()] = "person_id",
    couple_column: Annotated[str | None, typer.Option()] = None,
    format: Annotated[ScoreFormat, typer.Option("--format", "-f")] = ScoreFormat.table,
) -> None:
    """Cronbach's alpha and McDonald's omega per facet and scale on a pool of answers."""
    from interdep.science.answer_table import read_answer_frame  # deferred: keeps startup fast
    from interdep.science.reliability import reliability_table  # deferred: keeps startup fast
    from interdep.science.scoring import self_report_plan  # deferred: keeps startup fast
    from interdep.science.tabular import read_table  # deferred: keeps startup fast

    answers = read_answer_frame(
        read_table(file), person_column=person_column, couple_column=couple_column
    )
    rows = reliability_table(
        answers.instrument, answers.self_answers, self_report_plan(answers.instrument).item_ids
    )
    if format is ScoreFormat.json:
        echo(json.dumps(rows, indent=1))
        return
    if format is ScoreFormat.csv:
        import pandas as pd  # deferred: keeps startup fast

        echo(frame_csv(pd.DataFrame(rows)))
        return
    table = Table(title=f"Reliability (n = {len(answers)})", header_style="bold")
    for name in ("kind", "name", "items", "complete", "alpha", "omega"):
        table.add_column(name)
    for r in rows:
        table.add_row(
            r["kind"],
            r["name"],
            str(r["items"]),
            str(r["n_complete"]),
            "—" if r["alpha"] is None else f"{r['alpha']:.3f}",
            "—" if r["omega"] is None else f"{r['omega']:.3f}",
        )
    console.print(table)
