"""Columns made to cost nothing until written: same values and dtype as the plain ones."""

import numpy as np
import pandas as pd

from replydiag.memory import missing_strings, strings_at


def test_missing_strings_equal_a_plain_missing_string_column():
    index = pd.RangeIndex(1000)
    plain = pd.Series(pd.NA, index=index, dtype="string")
    cheap = missing_strings(index)
    assert cheap.dtype == plain.dtype
    pd.testing.assert_series_equal(cheap, plain)
    # Written to like any other column (the zeroed buffers are never written in place).
    cheap[3] = "x"
    assert cheap[3] == "x" and cheap.isna().sum() == 999
    assert missing_strings(index).isna().all()


def test_strings_at_scatters_values_and_keeps_missing_columns_cheap():
    index = pd.RangeIndex(5)
    where = np.array([True, False, True, False, False])
    scattered = strings_at(index, where, pd.Series(["a", None], dtype="string"))
    assert scattered.tolist() == ["a", pd.NA, pd.NA, pd.NA, pd.NA]
    empty = strings_at(index, where, pd.Series([None, None], dtype="string"))
    assert empty.isna().all() and empty.dtype == pd.StringDtype()


def test_a_table_written_in_slices_is_the_table_written_whole(tmp_path, monkeypatch):
    from replydiag import files

    frame = pd.DataFrame(
        {
            "reply_id": pd.Series(["1", "2", "3", "4", "5"], dtype="string"),
            # Empty in the first slice, filled later: the written schema must hold it.
            "part_of": pd.Series([None, None, None, "=cmd", "4"], dtype="string"),
            "created_at": pd.to_datetime(["2026-03-01"] * 5, utc=True),
            "stock_share": [0.5, np.nan, 1.0, 0.25, 0.0],
        }
    )
    columns = tuple(frame.columns)
    files.write_csv_chunks(tmp_path / "whole.csv", [frame], columns, exact_copy=tmp_path / "whole.parquet")
    monkeypatch.setattr(files, "WRITE_ROWS", 2)
    files.write_csv_chunks(tmp_path / "sliced.csv", [frame], columns, exact_copy=tmp_path / "sliced.parquet")
    assert (tmp_path / "sliced.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert "'=cmd" in (tmp_path / "sliced.csv").read_text()  # still formula-safe
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "sliced.parquet"), pd.read_parquet(tmp_path / "whole.parquet")
    )


def test_each_reply_names_its_file_as_one_category_per_file(tmp_path):
    """``source`` repeats a file's name on each of its rows: kept as codes, not a string a row
    (150 MB at ten million replies), with every row still naming its own file."""
    from replydiag import audit
    from replydiag.samples import sample_path

    other = tmp_path / "other_week.csv"
    other.write_text("id,agent,text\n1,Ann,Your parcel left our depot today and arrives tomorrow.\n")
    result = audit([sample_path(), other])
    source = result.replies["source"]
    assert isinstance(source.dtype, pd.CategoricalDtype)
    assert sorted(source.cat.categories) == sorted([sample_path().name, "other_week.csv"])
    assert source.value_counts()["other_week.csv"] == 1
    assert (source == sample_path().name).sum() == len(result.replies) - 1


def test_agent_channel_and_template_are_categories_with_the_values_of_strings(tmp_path):
    """Who wrote a reply, its channel and its template repeat down the rows: held as codes
    with each value once, reading the same as the strings they replace, aliases included."""
    from replydiag import audit

    path = tmp_path / "week.csv"
    text = "Your parcel left our depot today and arrives tomorrow before noon."
    rows = [(i, ["Ann", "Tom B.", "TB"][i % 3], ["email", "chat"][i % 2], text) for i in range(9)]
    pd.DataFrame(rows, columns=["id", "agent", "channel", "text"]).to_csv(path, index=False)
    replies = audit(path, agent_aliases={"TB": "Tom B."}).replies
    for column in ("agent", "channel", "template_id"):
        assert isinstance(replies[column].dtype, pd.CategoricalDtype), column
    assert replies["agent"].astype(str).tolist() == ["Ann", "Tom B.", "Tom B."] * 3
    assert sorted(replies["agent"].cat.categories) == ["Ann", "Tom B."]
    assert replies["channel"].astype(str).tolist() == ["email", "chat"] * 4 + ["email"]
    assert replies["template_id"].nunique() == 1 and replies["template_id"].notna().all()


def test_channels_and_agents_stay_one_category_column_across_chunks_and_files(tmp_path, monkeypatch):
    """Each chunk and each file has its own channels and authors: the joined rows keep each
    as one category column (``pd.concat`` alone makes a string per row of it), each row its
    own value."""
    from replydiag import load
    from replydiag.ingest import read

    monkeypatch.setattr(read, "CHUNK_BYTES", 2048)  # chunks of about 25 rows
    text = "Your parcel left our depot today and arrives tomorrow before noon."
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    pd.DataFrame(
        [(i, "Ann" if i % 2 else " Bo ", "email" if i < 30 else "chat", text) for i in range(60)],
        columns=["id", "agent", "channel", "text"],
    ).to_csv(first, index=False)
    pd.DataFrame([(1, "Tom", "phone", text)], columns=["id", "agent", "channel", "text"]).to_csv(
        second, index=False
    )
    replies = load([first, second], low_memory=True).replies
    channel, agent = replies["channel"], replies["agent"]
    assert isinstance(channel.dtype, pd.CategoricalDtype) and isinstance(agent.dtype, pd.CategoricalDtype)
    assert sorted(channel.cat.categories) == ["chat", "email", "phone"]
    assert channel.astype(str).tolist() == ["email"] * 30 + ["chat"] * 30 + ["phone"]
    assert sorted(agent.cat.categories) == ["Ann", "Bo", "Tom"]  # stripped, as strings were
    assert agent.astype(str).tolist() == ["Bo", "Ann"] * 30 + ["Tom"]


def test_the_command_line_has_the_analysis_keep_freed_memory_in_one_heap(monkeypatch):
    """A big audit's temporaries are freed and made again by the hundred: the command line
    has glibc's threads share one heap as it starts, and the analysis keeps freed blocks
    there, then puts glibc's defaults back. A notebook's kernel is left as it is."""
    from replydiag import cli, memory

    asked = []

    def mallopt(option, value):
        asked.append((option, value))
        return 1

    monkeypatch.setattr(memory, "_MALLOPT", mallopt)
    monkeypatch.setattr(memory, "_ONE_HEAP", False)
    with memory.reusing_freed_memory():  # a notebook: threads keep their own heaps
        pass
    assert asked == []
    monkeypatch.setattr(cli, "app", lambda: asked.append("run"))
    cli.main()
    assert asked == [(memory._M_ARENA_MAX, 1), "run"]
    asked.clear()
    with memory.reusing_freed_memory():
        assert asked == [(memory._M_MMAP_MAX, 0), (memory._M_TRIM_THRESHOLD, 2**31 - 1)]
    assert asked[2:] == [(memory._M_MMAP_MAX, 65536), (memory._M_TRIM_THRESHOLD, 128 * 1024)]
