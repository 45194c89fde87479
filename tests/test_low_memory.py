"""Big exports are read in chunks (``low_memory``) and must come out exactly as if read whole.

Chunks are made tiny here (a few KB) so that every file is cut into many; the benchmark
``python benchmarks/run.py memory`` measures the memory this saves on a 1 GB export.
"""

import filecmp
import json
from pathlib import Path

import pandas as pd
import pytest

import replydiag.ingest.read as load_module
from replydiag import api, write_audit
from replydiag.errors import FormatError
from replydiag.samples import sample_path
from tests.conftest import realdata

FORMATS = Path(__file__).parent / "data" / "formats"
BAD = Path(__file__).parent / "data" / "bad"


@pytest.fixture
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(load_module, "CHUNK_BYTES", 4096)


def _same_audit(paths, tmp_path):
    whole = api.audit(paths, low_memory=False)
    chunked = api.audit(paths, low_memory=True)
    assert whole.has_text and not chunked.has_text
    write_audit(whole, tmp_path / "whole")
    write_audit(chunked, tmp_path / "chunked")
    for name in ("replies.csv", "templates.csv", "summary.json"):
        assert filecmp.cmp(tmp_path / "whole" / name, tmp_path / "chunked" / name, shallow=False), name
    exact = [pd.read_parquet(tmp_path / run / "replies.parquet") for run in ("whole", "chunked")]
    pd.testing.assert_frame_equal(*exact)  # row groups differ, rows do not
    return whole, chunked


def test_sample_read_in_chunks_writes_the_same_files(tiny_chunks, tmp_path):
    whole, chunked = _same_audit(sample_path(), tmp_path)
    assert chunked.texts.files[0].chunks_read > 20
    assert chunked.replies["text"].isna().all()
    # Masked examples still come with every reply (from the first reply sharing its key).
    assert chunked.replies["masked"].notna().all()


def test_chunks_of_more_rows_than_a_written_slice_keep_each_reply_with_its_text(
    tiny_chunks, tmp_path, monkeypatch
):
    """A chunk read again for its text is written a slice of ``WRITE_ROWS`` at a time (a chunk
    of tiny rows is millions of them); slices that do not divide the chunks keep every text."""
    import replydiag.report.audit as audit_module

    monkeypatch.setattr(audit_module, "WRITE_ROWS", 7)
    _, chunked = _same_audit(sample_path(), tmp_path)
    assert chunked.texts.files[0].chunks_read > 20


@pytest.mark.parametrize(
    "name", ["italian_sme.csv", "twcs_index.csv", "salesforce_emailmessage.csv", "zendesk_comments.json"]
)
def test_formats_read_in_chunks_write_the_same_files(tiny_chunks, tmp_path, name):
    _same_audit(FORMATS / name, tmp_path)


def test_files_of_both_kinds_together(tiny_chunks, tmp_path):
    whole, chunked = _same_audit([sample_path(), FORMATS / "zendesk_comments.json"], tmp_path)
    assert len(chunked.texts.files) == 2


@pytest.mark.parametrize("name", ["duplicate_ids.csv", "hostile.csv", "bad_dates.csv"])
def test_bad_inputs_are_accounted_for_alike(tiny_chunks, tmp_path, name):
    whole, chunked = _same_audit(BAD / name, tmp_path)
    assert chunked.accounting.balanced


def test_a_cp1252_row_after_the_first_megabyte(tmp_path):
    """The first megabyte decides UTF-8; a later cp1252 cell makes the reader start over as cp1252."""
    path = tmp_path / "late_cp1252.csv"
    rows = ["id,text,agent"] + [
        f"{i},Your order {i} has shipped and will arrive soon,Tom" for i in range(30000)
    ]
    rows.append("30000,Perché il pacco è in ritardo? Lo verifico subito,Anna")
    path.write_bytes("\n".join(rows).encode("cp1252") + b"\n")
    assert path.stat().st_size > 1 << 20
    result = api.audit(path, low_memory=True)
    assert result.sources[0]["encoding"] == "cp1252"
    assert result.accounting.replies_analysed == 30001
    write_audit(result, tmp_path / "out")
    assert "Perché il pacco è in ritardo" in (tmp_path / "out" / "replies.csv").read_text(encoding="utf-8")


def test_too_many_ragged_rows_name_the_first_line(tiny_chunks):
    with pytest.raises(FormatError, match=r"rows do not have the 3 fields of the header \(first at line 2"):
        api.load(BAD / "ragged.csv", low_memory=True)


def test_a_few_ragged_rows_are_counted(tiny_chunks, tmp_path):
    path = tmp_path / "few_ragged.csv"
    lines = ["id,text,agent"] + [f"{i},Thanks for waiting {i} we are on it,Tom" for i in range(2000)]
    lines[500] = "500,broken,row,with,too,many,fields"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = api.audit(path, low_memory=True)
    acc = result.accounting
    assert acc.rows_read == 2000 and acc.skipped["ragged row (wrong number of fields)"] == 1
    assert acc.balanced


def test_redact_in_low_memory_writes_no_text(tiny_chunks, tmp_path):
    result = api.audit(sample_path(), low_memory=True)
    write_audit(result, tmp_path, redact=True)
    header = (tmp_path / "replies.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "text" not in header.split(",")


def test_cli_low_memory_flag(tmp_path):
    from typer.testing import CliRunner

    from replydiag.cli import app

    out = tmp_path / "out"
    run = CliRunner().invoke(app, ["audit", str(sample_path()), "--low-memory", "--out", str(out), "--json"])
    assert run.exit_code == 0, run.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["accounting"]["replies_analysed"] == 1500
    assert (out / "report.html").exists()


def test_real_twitter_export_in_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(load_module, "CHUNK_BYTES", 1 << 16)
    whole, chunked = _same_audit(realdata("twcs-brands/SpotifyCares.csv"), tmp_path)
    assert chunked.texts.files[0].chunks_read > 10


def test_inspect_of_a_big_file_shows_masked_examples(monkeypatch):
    from typer.testing import CliRunner

    from replydiag.cli import app

    monkeypatch.setattr(api, "STREAM_BYTES", 1000)  # the sample counts as big
    run = CliRunner().invoke(app, ["inspect", str(sample_path())])
    assert run.exit_code == 0, run.output
    export = api.load(sample_path(), low_memory=True)
    masked = [export.distinct.masked.iloc[code] for code in export.replies["key_code"].head(3)]
    shown = " ".join(run.output.split())
    assert "example 3" in shown
    assert all(" ".join(m.split())[:40] in shown for m in masked)


def test_show_raw_in_low_memory_says_examples_stay_masked(tmp_path):
    from typer.testing import CliRunner

    from replydiag.cli import app

    run = CliRunner().invoke(
        app, ["audit", str(sample_path()), "--low-memory", "--show-raw", "--out", str(tmp_path)]
    )
    assert run.exit_code == 0, run.output
    assert "--show-raw has no raw text to show" in " ".join(run.output.split())
    assert "{name}" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_progress_follows_reading_clustering_and_the_edited_search(tiny_chunks):
    seen: list[tuple[str, int, int]] = []
    api.audit(
        sample_path(), low_memory=True, progress=lambda stage, done, total: seen.append((stage, done, total))
    )
    stages = {stage for stage, _, _ in seen}
    assert {"reading", "clustering distinct replies", "finding edited templates"} <= stages
    last = {stage: (done, total) for stage, done, total in seen}
    assert last["reading"] == (sample_path().stat().st_size, sample_path().stat().st_size)
    assert last["finding edited templates"][0] == last["finding edited templates"][1]


def test_an_export_replaced_before_its_text_is_read_again_is_refused(tiny_chunks, tmp_path):
    import shutil

    from replydiag.errors import InputError

    path = tmp_path / "export.csv"
    shutil.copy(sample_path(), path)
    result = api.audit(path, low_memory=True)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + "".join(reversed(lines[1:])), encoding="utf-8")  # same size, other rows
    with pytest.raises(InputError, match="changed while it was being analysed"):
        write_audit(result, tmp_path / "out")
    assert not (tmp_path / "out" / "replies.csv").exists()


def test_stray_nul_bytes_keep_the_chunked_reading_and_its_results(tiny_chunks, tmp_path):
    data = sample_path().read_bytes()
    path = tmp_path / "nul.csv"
    cut = data.index(b"\n", 20_000)  # NULs inside the first megabyte, between rows and in a cell
    path.write_bytes(data[:cut] + b"\x00\x00" + data[cut : cut + 500] + b"\x00" + data[cut + 500 :])
    chunked = api.audit(path, low_memory=True)
    whole = api.audit(sample_path(), low_memory=False)
    assert chunked.texts.files[0].chunks_read > 20  # read in chunks, not whole
    assert chunked.accounting.rows_read == whole.accounting.rows_read
    assert chunked.replies["kind"].astype(str).tolist() == whole.replies["kind"].astype(str).tolist()


def test_a_file_of_nul_bytes_is_refused_as_empty_without_reading_it_whole(tmp_path):
    from replydiag.errors import InputError

    path = tmp_path / "nul.csv"
    path.write_bytes(b"\x00" * (3 << 20))
    with pytest.raises(InputError, match="only blank or NUL bytes"):
        api.load(path, low_memory=True)


def test_a_file_of_many_short_rows_is_read_in_chunks_though_it_is_small(tmp_path, monkeypatch):
    # Memory follows rows: ten million 19-byte tweets cost more than their 190 MB suggest.
    path = tmp_path / "tiny.csv"
    path.write_text("id,agent,text\n" + "".join(f"{i},Ann,ok {i % 7}\n" for i in range(3000)))
    monkeypatch.setattr(api, "STREAM_ROWS", 2_000)
    assert not api.audit(path).has_text  # 3,000 lines: read in chunks, text read again on writing
    monkeypatch.setattr(api, "STREAM_ROWS", 5_000)
    assert api.audit(path).has_text
