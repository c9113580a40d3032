"""End-to-end: a student's first day in JupyterLab, in a real headless Chromium.

Starts JupyterLab on 127.0.0.1 (free port, token) over a scratch copy of ``course/``,
opens a lesson, runs all cells, answers an exercise correctly and wrongly, and checks
what the page shows. Screenshots go to ``artifacts/browser/``.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from nnlib.course.bank import load_bank

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"  # also created by the `lab` fixture

pytestmark = pytest.mark.browser

# Contrast ratio of normal text required by WCAG 2.1 AA.
MIN_CONTRAST = 4.5

_CONTRAST_JS = """
(el) => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let bg = null;
  for (let n = el; n; n = n.parentElement) {
    const c = parse(getComputedStyle(n).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { bg = c; break; }
  }
  bg = bg || [255, 255, 255];
  const fg = parse(getComputedStyle(el).color);
  const [a, b] = [lum(fg) + 0.05, lum(bg) + 0.05];
  return Math.max(a, b) / Math.min(a, b);
}
"""


def _exercise():
    """The first scalar exercise with LaTeX in its prompt, in the earliest lesson: (notebook, question)."""
    bank = load_bank()
    notebooks = {p.stem: p.name for p in (ROOT / "course").glob("*.ipynb")}
    candidates = [q for q in bank.values()
                  if q.kind in ("expr", "number") and q.expected.strip() not in ("0", "")
                  and "$" in q.prompt]
    for q in sorted(candidates, key=lambda q: (q.lesson, q.id)):
        stem = next((s for s in notebooks if s.startswith(f"{int(q.lesson):02d}_")), None)
        if stem:
            return notebooks[stem], q
    pytest.fail("no course notebook with a scalar exercise whose prompt has LaTeX")


def _open(page, lab, name: str) -> None:
    page.goto(lab.url(f"lab/tree/{name}") + "&reset")  # a fresh workspace: only this notebook open
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    _wait_idle(page)


def _wait_idle(page, timeout_ms: int = 120_000) -> None:
    """Wait until a kernel is running and idle, and no cell shows the busy prompt ``[*]``."""
    page.wait_for_function(
        """() => {
            const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(p => p.offsetParent !== null);
            const name = panel && panel.querySelector('.jp-Toolbar-kernelName');
            const bar = document.querySelector('#jp-main-statusbar');
            const busy = panel && [...panel.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'));
            return name && /Python/.test(name.innerText) && bar && /\\| Idle/.test(bar.innerText) && !busy;
        }""",
        timeout=timeout_ms,
        polling=500,
    )


def _menu(page, menu: str, item: str) -> None:
    page.get_by_role("menuitem", name=menu, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def _command(page, label: str) -> None:
    """Run a JupyterLab command by its label through the command palette."""
    page.keyboard.press("Control+Shift+C")
    page.keyboard.type(label)
    page.locator(".lm-CommandPalette-item", has_text=label).first.click()


def _answer(page, qid: str, variable: str, text: str):
    """Replace the exercise cell's source with ``variable = text`` + check, run it, return the cell."""
    cell = page.locator(".jp-CodeCell").filter(has_text=f'check_answer("{qid}"').first
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(f"{variable} = {text!r}\ncheck_answer({qid!r}, {variable})".replace("'", '"'))
    page.keyboard.press("Shift+Enter")
    _wait_idle(page)
    return cell


def test_student_runs_lesson_and_answers_exercise(page, lab):
    name, q = _exercise()
    _open(page, lab, name)
    _menu(page, "Run", "Run All Cells")
    page.wait_for_timeout(1000)
    _wait_idle(page)

    page.screenshot(path=str(ARTIFACTS / "01_run_all.png"), full_page=False)
    # Figures render as images; no cell produced an error or stray stderr output.
    assert page.locator(".jp-RenderedImage img").count() >= 1, "no figure was rendered"
    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    assert stderr.count() == 0, f"error output in {name}: {stderr.first.inner_text()[:500]}"

    # The untouched stub reports "not attempted" instead of raising.
    stub = page.locator(".jp-CodeCell").filter(has_text=f'check_answer("{q.id}"').first
    assert re.search(r"not attempted", stub.inner_text(), re.I)

    # A correct answer: a check mark and the word for screen readers.
    cell = _answer(page, q.id, q.variable, q.expected)
    out = cell.locator(".jp-OutputArea-output").first
    out.scroll_into_view_if_needed()
    text = out.inner_text()
    assert "✓" in text and re.search(r"correct", text, re.I), text
    # LaTeX in the feedback (the question's prompt) is typeset by MathJax, not shown raw.
    assert out.locator("mjx-container").count() >= 1, "LaTeX in the feedback was not typeset"
    assert "$" not in text, text
    page.screenshot(path=str(ARTIFACTS / "02_correct_light.png"))
    assert page.evaluate(_CONTRAST_JS, out.element_handle()) >= MIN_CONTRAST

    # A wrong answer (sign flipped): a cross and the checker's own diagnosis, not the answer.
    wrong = f"-({q.expected})"
    verdict = q.check(wrong)
    assert not verdict and verdict.diagnosis == "sign"
    cell = _answer(page, q.id, q.variable, wrong)
    out = cell.locator(".jp-OutputArea-output").first
    text = out.inner_text()
    assert "✗" in text and "sign" in text.lower(), text
    assert verdict.feedback.split("$")[0].strip()[:40] in text
    page.screenshot(path=str(ARTIFACTS / "03_wrong_light.png"))

    # Dark theme: the feedback stays readable.
    _command(page, "Use Theme: JupyterLab Dark")
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
    page.wait_for_timeout(500)
    out.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "04_wrong_dark.png"))
    assert page.evaluate(_CONTRAST_JS, out.element_handle()) >= MIN_CONTRAST


def test_every_course_notebook_opens_cleanly(page, lab):
    """No kernel-selection dialog, no untrusted-output or missing-widget warnings."""
    names = sorted(p.name for p in (ROOT / "course").glob("*.ipynb"))
    assert names, "course/ has no notebooks"
    for name in names:
        _open(page, lab, name)
        panel = page.locator(".jp-NotebookPanel")
        assert panel.count() == 1, f"{name}: expected one open notebook, found {panel.count()}"
        assert page.locator(".jp-Dialog").count() == 0, f"{name}: a dialog opened"
        text = panel.inner_text().lower()
        for warning in ("not trusted", "untrusted", "error displaying widget", "no kernel"):
            assert warning not in text, f"{name}: {warning!r} shown"
        kernel = panel.locator(".jp-Toolbar-kernelName").inner_text()
        assert "Python 3" in kernel, f"{name}: kernel {kernel!r}"
