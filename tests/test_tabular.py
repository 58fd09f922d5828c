"""Reading researchers' files: errors name the row and column; repeated headers are handled."""

import numpy as np
import pandas as pd
import pytest

from interdep.science import tabular
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


FAST_FILES = {
    # numbers, text ids, blanks, a single space, NA words and "." as missing, quoted text
    "plain": 'dyad,role,x,y\n1,M,1.5,2\n1,W, ,NA\n2,M,.,3\n2,W,-0.46584247678004265,"4"\n',
    "text": 'id,name,v\na1,"Smith, J",1e-3\nb2,Lee,NaN\nc3,,7\n',
    "empty column": "a,b\n1,\n2,\n",
    "integers with a gap": "a,b\n1,2\n,3\n4,5\n",
}
SLOW_FILES = {
    # each would read differently in Arrow than in pandas: the pandas reader is used
    "repeated header": "a,a,b\n1,2,3\n",
    "padded header": "a, b\n1,2\n",
    "leading space in text": "a,b\n1, x\n2,y\n",
    "true/false": "a,b\n1,True\n2,False\n",
    "dates": "a,when\n1,2024-01-02\n2,2024-01-03\n",
    "a short row": "a,b,c\n1,2,3\n4,5\n",
    "index column": "a,b\n0,1,2\n1,3,4\n",
}


@pytest.mark.parametrize("name", FAST_FILES)
def test_the_arrow_reader_gives_exactly_the_pandas_frame(tmp_path, name):
    path = tmp_path / "f.csv"
    path.write_text(FAST_FILES[name])
    fast = tabular._read_csv_arrow(path)
    slow = tabular._read_csv_pandas(path)
    assert fast is not None
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert fast.map(type).equals(slow.map(type))  # missing text is NaN on both paths
    pd.testing.assert_frame_equal(read_table(path), slow)


@pytest.mark.parametrize("name", SLOW_FILES)
def test_files_arrow_would_read_otherwise_go_to_the_pandas_reader(tmp_path, name):
    path = tmp_path / "f.csv"
    path.write_text(SLOW_FILES[name])
    assert tabular._read_csv_arrow(path) is None


def test_both_readers_parse_every_number_to_the_nearest_double(tmp_path):
    """Arrow parses numbers correctly rounded; the pandas reader is asked to do the same, so a
    file reads alike on either path (pandas' default parser can be one bit off)."""
    values = np.random.default_rng(0).normal(size=2000)
    path = tmp_path / "f.csv"
    pd.DataFrame({"x": values}).to_csv(path, index=False)
    assert np.array_equal(tabular._read_csv_pandas(path)["x"].to_numpy(), values)
    assert np.array_equal(read_table(path)["x"].to_numpy(), values)


def test_reading_only_the_used_columns_gives_those_columns_of_the_whole_table(tmp_path):
    path = write(tmp_path, "dyad,person,x,y,note\n1,1,0.5,2,a\n1,2,.,3,b\n2,1,1e-3,NA,c\n")
    some = read_table(path, columns=["y", "dyad", "x"])
    assert list(some.columns) == ["dyad", "x", "y"]  # in the file's order
    pd.testing.assert_frame_equal(some, read_table(path)[["dyad", "x", "y"]], check_exact=True)


def test_reading_by_column_refuses_what_the_whole_table_refuses(tmp_path):
    # a column the file lacks: read whole, so the message lists every column the file has
    path = write(tmp_path, "dyad,x,y\n1,2,3\n")
    with pytest.raises(InputError, match=r"have: dyad, x, y"):
        require_columns(read_table(path, columns=["dyad", "z"]), ["dyad", "z"])
    # "x" next to "x.1" reads as a repeated "x" either way
    path = write(tmp_path, "dyad,x,x.1,y\n1,2,3,4\n")
    assert read_table(path, columns=["dyad", "x"]).attrs["duplicate_columns"] == {"x"}
    with pytest.raises(InputError, match="more than once"):
        require_columns(read_table(path, columns=["dyad", "x"]), ["x"])
    # a bad cell in a used column still names its row and column
    path = write(tmp_path, "dyad,x,y\n1,2,3\n1,two,4\n")
    with pytest.raises(InputError, match=r"row 3, column 'x': not a number: 'two'"):
        numeric_column(read_table(path, columns=["dyad", "x"]), "x")
