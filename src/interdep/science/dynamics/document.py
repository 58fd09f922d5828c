"""The JSON document of one variable: its couples and its pooled summary."""

from __future__ import annotations

from collections.abc import Sequence

from interdep.science.dynamics.results import CoupleDynamics


def result_document(
    variable: str, max_gap_text: str, results: Sequence[CoupleDynamics], pooled: dict
) -> dict:
    """The JSON object of one variable: variable, max_gap, couples, pooled.

    Parameters
    ----------
    variable : str
        The variable's name.
    max_gap_text : str
        The gap as the user gave it (e.g. "3h").
    results : sequence of CoupleDynamics
        The variable's couples.
    pooled : dict
        From :func:`pool_couples`.

    Returns
    -------
    dict

    Examples
    --------
    >>> result_document("valence", "3h", [], {"parameters": {}})
    {'variable': 'valence', 'max_gap': '3h', 'couples': [], 'pooled': {'parameters': {}}}
    """
    return {
        "variable": variable,
        "max_gap": max_gap_text,
        "couples": [r.to_dict() for r in results],
        "pooled": pooled,
    }
