"""How `interdep score` writes what it scores: the persons as CSV. Shared by the in-memory and
the cluster runs."""

from __future__ import annotations

import json

from interdep.lib.csv_writer import fast_frame_csv, frame_csv


def persons_csv(persons) -> str:
    """Scored persons as CSV rows: ids, scales, dynamic and every facet."""
    import pandas as pd  # deferred: keeps startup fast

    rows = []
    for p in persons:
        d = p.to_dict()
        rows.append(
            {
                "person_id": d["person_id"],
                "couple_id": d["couple_id"],
                "instrument_version": d["instrument_version"],
                **d["scales"],
                "balance_ratio": d["balance_ratio"],
                "dynamic": d["dynamic"],
                "dynamic_confidence": d["dynamic_confidence"],
                **{f"facet_{k}": v for k, v in d["facets"].items()},
            }
        )
    return frame_csv(pd.DataFrame(rows))


def persons_csv_rows(answers, *, header: bool) -> str:
    """A part's persons as CSV rows, with the header row only for the file's first part."""
    text = csv_chunk(
        answers.instrument, answers.self_answers, answers.person_ids, answers.couple_ids
    )
    return text if header else text.split("\n", 1)[1]


def persons_json_items(persons) -> str:
    """Scored persons as the items of a JSON list, without its brackets ("" for none)."""
    return json.dumps([p.to_dict() for p in persons], separators=(",", ":"))[1:-1]


def _round4(values) -> list:
    """As ``PersonResult`` holds a number: Python's round to 4 places, None for NaN."""
    return [None if v != v else round(v, 4) for v in values.tolist()]


def csv_chunk(instrument, self_answers, person_ids, couple_ids) -> str:
    """Persons' CSV rows straight from the vectorised scorer: the same text as ``score_output.persons_csv`` of
    their ``PersonResult`` objects (the same roundings, columns and cells), without building a
    result object, its highlights and a dict per person."""
    import numpy as np  # deferred: keeps startup fast
    import pandas as pd  # deferred: keeps startup fast

    from interdep.science.profile import classify  # deferred: keeps startup fast
    from interdep.science.scoring import SCALES, score_matrix  # deferred: keeps startup fast

    table = score_matrix(instrument, self_answers)
    dyn = classify(table)
    n = len(table)
    columns = {
        "person_id": [str(p) for p in person_ids],
        "couple_id": [None if c is None else str(c) for c in couple_ids]
        if couple_ids is not None
        else [None] * n,
        "instrument_version": [instrument.version] * n,
        **{name: _round4(table.scale(name)) for name in SCALES},
        "balance_ratio": _round4(np.asarray(dyn.balance, dtype=float)),
        "dynamic": list(dyn.label),
        "dynamic_confidence": _round4(np.asarray(dyn.confidence, dtype=float)),
    }
    facets = np.round(table.facets, 4)
    for j, facet in enumerate(table.facet_ids):
        columns[f"facet_{facet}"] = facets[:, j]
    # a column of numbers and None reads as floats, as the frame of dicts in ``score_output.persons_csv`` does
    return fast_frame_csv(pd.DataFrame(columns))
