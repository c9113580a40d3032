"""The search for typos in the printed inputs of the mfnet example (report, section 3.3).

Lesson 6 reports: no single edited entry of the printed X, W1, W2, W3, Y reproduces the
printed Z1; exactly one pair does (X[1,1]: 2 -> 3 and W1[3,1]: 0 -> 1, both one-digit
typos), and that pair also reproduces the printed Z2, Z3 and J = 1. These tests run the
search (``nnlib.course.mfnet.search_edits``) and confirm its integer answers with an
independent brute force in numpy over a window of values, plus a structural argument.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
import sympy as sp

from nnlib.course import mfnet
from nnlib.course.mfnet import FORWARD, INPUTS, INTENDED_EDITS, PRINTED, Edit


def _int(M: sp.Matrix) -> np.ndarray:
    return np.array(M.tolist(), dtype=np.int64)


def test_one_digit_typos():
    assert mfnet.one_digit_typos(2) == {-2, 0, 1, 3, 4, 5, 6, 7, 8, 9}
    assert mfnet.one_digit_typos(0) == set(range(1, 10))          # -0 == 0 is no change
    assert mfnet.one_digit_typos(-1) == {1, 0, -2, -3, -4, -5, -6, -7, -8, -9}
    assert {-12, 2, 19, 10, 11, 92} <= mfnet.one_digit_typos(12) and 1 not in mfnet.one_digit_typos(12)
    assert 13 not in mfnet.one_digit_typos(24) and len(mfnet.one_digit_typos(24)) == 19
    with pytest.raises(ValueError, match="integer"):
        mfnet.one_digit_typos(sp.Rational(1, 2))


def test_edit_kinds_and_bad_edits():
    assert Edit("X", 1, 1, sp.Integer(3)).kind == "one-digit typo"
    assert Edit("W2", 2, 0, sp.Integer(1)).kind == "sign flip"
    assert Edit("X", 1, 1, sp.Rational(5, 2)).kind == "other value"
    assert str(Edit("W1", 3, 1, sp.Integer(1))) == "W1[3, 1]: printed 0 -> 1 (one-digit typo)"
    with pytest.raises(IndexError, match=r"W3 has shape \(2, 3\)"):
        mfnet.apply_edits([Edit("W3", 2, 0, sp.Integer(1))])
    with pytest.raises(KeyError, match="no printed input 'W4'"):
        mfnet.apply_edits([Edit("W4", 0, 0, sp.Integer(1))])
    with pytest.raises(ValueError, match="size must be 1 or 2"):
        mfnet.search_edits(3)


def test_search_covers_every_entry():
    # X 2x4, W1 4x3, W2 3x4, W3 2x3, Y 1x4
    assert len(mfnet.positions()) == 8 + 12 + 12 + 6 + 4


def test_no_single_edit_reproduces_printed_z1():
    assert mfnet.search_edits(1, ("Z1",)) == []
    # Structural reason: entry X[r, c] only changes column c of Z1 = W1 A0, entry W1[r, c]
    # only row r. The printed Z1 differs from the literal one in row 3 (all columns) and
    # in column 1 (rows 1 and 2): no single row or column covers both.
    wrong = np.argwhere(_int(PRINTED["Z1"]) != _int(INPUTS["W1"] * mfnet.augment(INPUTS["X"])))
    assert {tuple(p) for p in wrong} == {(1, 1), (2, 1), (3, 0), (3, 1), (3, 2), (3, 3)}


def test_no_single_edit_reproduces_z2_or_z3_either():
    for stage in ("Z2", "Z3"):
        assert mfnet.search_edits(1, (stage,)) == [], stage


def test_exactly_one_pair_reproduces_the_whole_printed_forward_pass():
    found = mfnet.search_edits(2, FORWARD)             # all 861 pairs of the 42 entries
    assert found == [INTENDED_EDITS]
    assert [e.kind for e in found[0]] == ["one-digit typo", "one-digit typo"]
    assert mfnet.search_edits(2, ("Z1",)) == [INTENDED_EDITS]  # Z1 alone already decides


def test_quick_filter_loses_no_solution():
    # every pair of the 42 entries, Z1 and Z2: the solver with and without the quick test agree
    places = mfnet.positions()
    for pair in combinations(places, 2):
        fast = mfnet.solve_edits(pair, ("Z1", "Z2"))
        assert fast == mfnet.solve_edits(pair, ("Z1", "Z2"), quick=False), pair
    # and the quick test does reject something (else it would test nothing)
    assert not mfnet._may_reproduce([("W3", 1, 1), ("Y", 0, 0)], ("Z1",))


def test_brute_force_integer_pairs_for_z1():
    """Independent of SymPy's solver: try every integer in [-20, 20] at every pair of entries of X, W1."""
    A0, W1, Z1p = _int(mfnet.augment(INPUTS["X"])), _int(INPUTS["W1"]), _int(PRINTED["Z1"])
    places = [("A0", i + 1, j) for i in range(2) for j in range(4)] + [("W1", i, j) for i in range(4) for j in range(3)]
    values = np.arange(-20, 21)
    hits = []
    for p, q in combinations(places, 2):
        for v in values:
            for w in values:
                M = {"A0": A0.copy(), "W1": W1.copy()}
                M[p[0]][p[1], p[2]] = v
                M[q[0]][q[1], q[2]] = w
                changed = M[p[0]][p[1], p[2]] != {"A0": A0, "W1": W1}[p[0]][p[1], p[2]] and \
                    M[q[0]][q[1], q[2]] != {"A0": A0, "W1": W1}[q[0]][q[1], q[2]]
                if changed and np.array_equal(M["W1"] @ M["A0"], Z1p):
                    hits.append((p, int(v), q, int(w)))
    # A0 row i + 1 is X row i
    assert hits == [(("A0", 2, 1), 3, ("W1", 3, 1), 1)]


def test_j_alone_is_weak_evidence():
    # J = 1 is one equation: six single edits reproduce it, and only one of them (the W1
    # typo) is a one-digit typo; Z1 is what pins the reading down.
    found = mfnet.search_edits(1, ("J",))
    assert len(found) == 6
    assert [e for (e,) in found if e.kind != "other value"] == [INTENDED_EDITS[1]]
    for (e,) in found:
        assert sp.simplify(mfnet.forward(mfnet.apply_edits([e]))["J"] - 1) == 0, str(e)


def test_printed_inputs_and_intended_inputs_differ_in_the_two_entries():
    I = mfnet.intended_inputs()
    diff = {(k, i, j) for k in INPUTS for (i, j) in np.ndindex(*INPUTS[k].shape) if I[k][i, j] != INPUTS[k][i, j]}
    assert diff == {("X", 1, 1), ("W1", 3, 1)}


def test_a_continuum_is_reported_not_counted():
    # J = 1 is one equation: two entries of W3 satisfy it along a curve, not at points
    with pytest.raises(ValueError, match="continuum"):
        mfnet.solve_edits([("W3", 1, 1), ("W3", 1, 2)], ("J",))
