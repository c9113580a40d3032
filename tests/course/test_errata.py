"""Errata data: complete and well-formed, referenced ids exist, mfnet numbers recomputed.

The mfnet worked example (mfnet report, section 3.3) is recomputed here exactly with
SymPy from the report's inputs X, Y, W^[1..3]; the corrected values stored in
nnlib/course/errata/mfnet_report.toml must match the recomputation.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sympy as sp

from nnlib.course import errata
from nnlib.course.errata import DOCUMENT_FILES, FIELDS, ErrataError, load_errata

ROOT = Path(__file__).resolve().parents[2]
R = sp.Rational


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
                       "mfnet-z1", "mfnet-forward-loss", "mfnet-dJdY-factor",
                       "mfnet-dW1-inconsistent", "mfnet-dA0-row", "mfnet-update",
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
    # errata ids contain a dash: show("mfnet-z1"), errata.show('notes-cost-layer')
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
    view = errata.show("mfnet-z1")
    text, html = repr(view), view._repr_html_()
    for word in ("Document", "Place", "Printed", "Correct", "How decided"):
        assert word in text and word in html
    assert 'scope="row"' in html and "var(--jp-content-font-color1" in html
    assert len(errata.table(lesson=6)) == sum(e.lesson == 6 for e in load_errata().values())
    assert "<table" in errata.table()._repr_html_()
    with pytest.raises(KeyError, match="did you mean"):
        errata.show("mfnet-z2")


# ----------------------------------------------------------------- mfnet recomputation

def bmatrices(text: str) -> list[sp.Matrix]:
    """Every bmatrix in a LaTeX string, with a leading \\frac{1}{4} factor applied."""
    found = []
    for factor, body in re.findall(r"(\\frac\{1\}\{4\})?\s*\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", text):
        rows = [[sp.sympify(v) for v in row.split("&")] for row in body.split("\\\\")]
        found.append(sp.Matrix(rows) * (R(1, 4) if factor else 1))
    return found


def brackets(text: str) -> list[list]:
    """Every [a, b, ...] list of numbers in a string."""
    return [[sp.nsimplify(sp.sympify(v), rational=True) for v in body.split(",")]
            for body in re.findall(r"\[(-?[\d.]+(?:,\s*-?[\d.]+)+)\]", text)]


def with_bias_row(M):
    return sp.Matrix.vstack(sp.ones(1, M.shape[1]), M)


X = sp.Matrix([[1, 1, 2, 2], [2, 2, 2, 3]])          # mfnet report, section 3.3
Y = sp.Matrix([[1, 1, 2, 2]])
W1 = sp.Matrix([[1, 0, 0], [0, 0, 1], [0, 1, 1], [1, 0, 0]])
W2 = sp.Matrix([[1, 0, 0, 0], [1, 1, 0, 1], [-1, 1, 2, -2]])
W3 = sp.Matrix([[1, 0, 0], [0, 1, -1]])
A0, Y_t, M = with_bias_row(X), with_bias_row(Y), 4
Z1_PRINTED = with_bias_row(sp.Matrix([[2, 3, 2, 3], [3, 4, 4, 5], [2, 2, 3, 3]]))


def forward(Z1):
    Z2 = W2 * Z1
    return Z2, W3 * Z2          # identity activations


def backward(A0, A1, A2, Y_hat):
    """mfnet backward with the bias row of every Delta set to zero (report, 3.2.2)."""
    def mask(D):
        return sp.Matrix.vstack(sp.zeros(1, D.shape[1]), D[1:, :])
    D3 = mask(R(2, M) * (Y_hat - Y_t))
    D2 = mask(W3.T * D3)
    D1 = mask(W2.T * D2)
    return {"dY": R(2, M) * (Y_hat - Y_t), "D1": D1, "dW3": D3 * A2.T, "dW2": D2 * A1.T,
            "dW1": D1 * A0.T, "dA0": W1.T * D1}


def test_mfnet_z1_columns_argument_and_values(all_errata):
    Z1 = W1 * A0
    assert X[:, 0] == X[:, 1] and Z1[:, 0] == Z1[:, 1]   # identical samples -> equal columns
    assert Z1_PRINTED[:, 0] != Z1_PRINTED[:, 1]           # so the printed Z1 is impossible
    (printed,) = bmatrices(all_errata["mfnet-z1"].printed)
    (correct,) = bmatrices(all_errata["mfnet-z1"].correct)
    assert printed == Z1_PRINTED[1:, :] and correct == Z1[1:, :]


def test_mfnet_forward_and_loss(all_errata):
    e = all_errata["mfnet-forward-loss"]
    Z2, Z3 = forward(W1 * A0)
    J = sum((Z3 - Y_t).applyfunc(lambda v: v**2)) / M
    assert bmatrices(e.correct) == [Z2[1:, :]]
    assert brackets(e.correct) == [list(Z3[1, :])]
    assert "41/2" in e.correct and J == R(41, 2) and "82/4" in e.correct
    # the printed Z2, Y_hat and J do follow from the printed Z1
    Z2p, Z3p = forward(Z1_PRINTED)
    assert bmatrices(e.printed) == [Z2p[1:, :]] and brackets(e.printed) == [list(Z3p[1, :])]
    assert sum((Z3p - Y_t).applyfunc(lambda v: v**2)) / M == 1


def printed_chain():
    Z2p, Z3p = forward(Z1_PRINTED)
    return backward(A0, Z1_PRINTED, Z2p, Z3p)


def test_mfnet_dJdY_factor(all_errata):
    e = all_errata["mfnet-dJdY-factor"]
    right = printed_chain()["dY"][1, :]
    (printed,), (correct,) = bmatrices(e.printed), bmatrices(e.correct)
    assert correct == right and printed == right / 2


def test_mfnet_dW1_and_dA0_from_printed_delta1(all_errata):
    D1_printed = R(1, 4) * sp.Matrix([[0, 0, 0, 0], [0, 0, 0, 0], [-2, 2, -2, 2], [3, -3, 3, -3]])
    dW1 = D1_printed * A0.T
    (printed,), (correct,) = (bmatrices(all_errata["mfnet-dW1-inconsistent"].printed),
                              bmatrices(all_errata["mfnet-dW1-inconsistent"].correct))
    assert correct == dW1 and printed == 2 * dW1
    assert printed == printed_chain()["dW1"]   # = the printed chain with the factor 2 restored
    dA0 = W1.T * D1_printed
    e = all_errata["mfnet-dA0-row"]
    assert bmatrices(e.correct) == [dA0[1, :]] and bmatrices(e.printed) != [dA0[1, :]]


def test_mfnet_update_from_true_gradients(all_errata):
    Z1 = W1 * A0
    Z2, Z3 = forward(Z1)
    grads = backward(A0, Z1, Z2, Z3)
    eta = 4
    e = all_errata["mfnet-update"]
    expected = [W3 - eta * grads["dW3"], W2 - eta * grads["dW2"], W1 - eta * grads["dW1"]]
    assert bmatrices(e.correct) == expected
    assert brackets(e.correct)[0] == list(grads["dW3"][1, :])
    # the printed W3, W2 follow the printed (halved) gradients, W1 the printed dW1
    chain = printed_chain()
    assert bmatrices(e.printed) == [W3 - eta * chain["dW3"] / 2, W2 - eta * chain["dW2"] / 2,
                                    W1 - eta * chain["dW1"]]


def test_mfnet_layer_sizes_from_weight_shapes():
    sizes = [(W.shape[1] - 1, W.shape[0] - 1) for W in (W1, W2, W3)]
    assert sizes == [(2, 3), (3, 2), (2, 1)]
