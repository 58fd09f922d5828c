"""The science of Interdep: pure functions on plain values.

Nothing here imports Django; the web layer and the researcher's CLI call the same functions.
"""
