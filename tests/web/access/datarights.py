"""Data rights: everyone signed in sees and downloads their own data only."""

from . import Case, signed_in

CASES: dict[str, Case] = {
    "datarights": Case("GET", "/accounts/data/", signed_in(200)),
    "datarights_export": Case("POST", "/accounts/data/export/", signed_in(200)),
}
