"""Reading researchers' files: errors name the row and column; repeated headers are handled."""

import pandas as pd
import pytest

from interdep.science.errors import InputError
from interdep.science.tabular import key_column, numeric_column, read_table, require_columns


def write(tmp_path, text):
    path = tmp_path / "data.csv"
    path.write_text(text)
    return path


def test_a_repeated_header_loads_but_is_refused_where_it_is_used(tmp_path):
    frame = read_table(write(tmp_path, "id,x,x,y\n1,2,3,4\n"))
    require_columns(frame, ["id", "y"])  # unused repeat: fine
    with pytest.raises(InputError) as caught:
        require_columns(frame, ["x"])
    assert "row 1, column 'x'" in str(caught.value) and "more than once" in str(caught.value)


def test_a_non_number_names_its_spreadsheet_row_and_column(tmp_path):
    frame = read_table(write(tmp_path, "id,x\n1,2\n2,two\n"))
    with pytest.raises(InputError, match=r"row 3, column 'x': not a number: 'two'"):
        numeric_column(frame, "x")


def test_missing_identifiers_are_refused_and_whole_floats_do_not_split_ids():
    frame = pd.DataFrame({"couple": [1.0, 1.0, None]})
    with pytest.raises(InputError, match="row 4"):
        key_column(frame, "couple")
    assert key_column(frame.iloc[:2], "couple").tolist() == ["1", "1"]


def test_missing_columns_and_files_are_named(tmp_path):
    frame = read_table(write(tmp_path, "a,b\n1,2\n"))
    with pytest.raises(InputError, match="column 'c'"):
        require_columns(frame, ["c"])
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "absent.csv")
