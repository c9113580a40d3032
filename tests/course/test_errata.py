"""Errata data: complete and well-formed, referenced ids exist, withdrawn ids fail clearly.

The deciding computations of the mfnet errata are in test_errata_mfnet.py.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nnlib.course import errata
from nnlib.course.errata import DOCUMENT_FILES, FIELDS, ErrataError, load_errata, load_withdrawn

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def all_errata():
    return load_errata()


def test_every_document_has_errata_with_all_fields(all_errata):
    files = {p.name for p in errata.ERRATA_DIR.glob("*.toml")}
    assert set(DOCUMENT_FILES) <= files
    assert len(all_errata) >= 28
    for e in all_errata.values():
        for name in FIELDS:
            assert getattr(e, name) not in ("", None), (e.id, name)
        assert e.printed != e.correct, e.id
        assert e.lesson >= 0


def test_lead_ids_are_present(all_errata):
    # ids fixed in advance: lesson notebooks call show() with them
    for erratum_id in ["notes-z-sum-index", "notes-cost-layer", "notes-grad-sum-range",
                       "notes-dcda-index", "notes-base-case-index", "notes-recursion-transpose",
                       "notes-sgd-batch-index", "mfnet-input-layer-index", "mfnet-layer-sizes",
                       "mfnet-x-typo", "mfnet-w1-typo", "mfnet-dJdY-factor", "mfnet-update",
                       "mfnet-softmax-jacobian", "mfnet-ce-gradient", "ailib-forward-transpose",
                       "ailib-dw-index", "ailib-dx-order", "lecture-db-wrt",
                       "lecture-softplus-range", "lecture-leaky-relu-range", "lecture-elu-range",
                       "lecture-ce-index", "lecture-dW-transpose", "lecture-mlp-db"]:
        assert erratum_id in all_errata


def notebook_sources():
    for folder in ("solutions", "course"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            nb = json.loads(path.read_text(encoding="utf-8"))
            for cell in nb["cells"]:
                yield path, "".join(cell["source"])


def test_every_id_referenced_by_a_notebook_exists(all_errata):
    # errata ids contain a dash: show("mfnet-x-typo"), errata.show('notes-cost-layer')
    pattern = re.compile(r"""\bshow\(\s*["']([a-z][a-z0-9]*-[\w-]+)["']\s*\)""")
    for path, source in notebook_sources():
        for erratum_id in pattern.findall(source):
            assert erratum_id in all_errata, f"{path.name}: unknown erratum {erratum_id!r}"


def test_bad_files_raise_with_file_and_entry(tmp_path):
    good = dict(id="x-y", document="d", place="p", printed="a", correct="b", decided_by="c", lesson=1)

    def write(**changes):
        entry = {**good, **changes}
        lines = ["[[erratum]]"] + [f"{k} = {json.dumps(v)}" for k, v in entry.items() if v is not None]
        (tmp_path / "doc.toml").write_text("\n".join(lines))

    write()
    assert load_errata(tmp_path)["x-y"].lesson == 1
    for changes, message in [({"correct": None}, "missing fields"), ({"lesson": "1"}, "must be int"),
                             ({"id": "Bad Id"}, "id must be"), ({"place": " "}, "empty")]:
        write(**changes)
        with pytest.raises(ErrataError, match=message) as info:
            load_errata(tmp_path)
        assert "doc.toml" in str(info.value)
    write()
    (tmp_path / "other.toml").write_text((tmp_path / "doc.toml").read_text())
    with pytest.raises(ErrataError, match="defined twice"):
        load_errata(tmp_path)


def test_show_and_table_display():
    view = errata.show("mfnet-x-typo")
    text, html = repr(view), view._repr_html_()
    for word in ("Document", "Place", "Printed", "Correct", "How decided"):
        assert word in text and word in html
    assert 'scope="row"' in html and "var(--jp-content-font-color1" in html
    assert len(errata.table(lesson=6)) == sum(e.lesson == 6 for e in load_errata().values())
    assert "<table" in errata.table()._repr_html_()
    with pytest.raises(KeyError, match="did you mean"):
        errata.show("mfnet-x-typos")


def test_withdrawn_ids_fail_clearly(tmp_path):
    withdrawn = load_withdrawn()
    assert {"mfnet-z1", "mfnet-forward-loss", "mfnet-dW1-inconsistent", "mfnet-dA0-row"} <= set(withdrawn)
    for gone in withdrawn.values():
        assert gone.id not in load_errata() and gone.see
        with pytest.raises(KeyError, match=f"{gone.id}' was withdrawn: .* See {gone.see[0]}"):
            errata.show(gone.id)
    good = '[[erratum]]\nid = "x-y"\ndocument = "d"\nplace = "p"\nprinted = "a"\ncorrect = "b"\ndecided_by = "c"\nlesson = 1\n'
    for bad, message in [('id = "x-y"\nreason = "r"\nsee = ["x-y"]', "still defined"),
                         ('id = "x-z"\nreason = "r"\nsee = ["x-q"]', "unknown errata"),
                         ('id = "x-z"\nreason = "r"', "exactly the fields"),
                         ('id = "x-z"\nreason = " "\nsee = []', "non-empty")]:
        (tmp_path / "doc.toml").write_text(good + "[[withdrawn]]\n" + bad + "\n")
        with pytest.raises(ErrataError, match=message) as info:
            load_withdrawn(tmp_path)
        assert "doc.toml" in str(info.value)
    (tmp_path / "doc.toml").write_text(good + '[[withdrawn]]\nid = "x-z"\nreason = "r"\nsee = ["x-y"]\n')
    assert load_withdrawn(tmp_path)["x-z"].see == ("x-y",) and list(load_errata(tmp_path)) == ["x-y"]
