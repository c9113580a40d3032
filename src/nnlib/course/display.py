"""Small HTML helpers shared by the course's display objects.

Colours come from JupyterLab's CSS variables (so light and dark themes both work) with
fallbacks for other front ends. Text is HTML-escaped but ``$...$`` is left alone, so
MathJax typesets LaTeX in feedback and errata.
"""
from __future__ import annotations

import html

#: JupyterLab theme variables with fallbacks, by role.
COLORS: dict[str, str] = {
    "text": "var(--jp-content-font-color1, inherit)",
    "border": "var(--jp-border-color1, #bdbdbd)",
    "success": "var(--jp-success-color1, #2e7d32)",
    "error": "var(--jp-error-color1, #c62828)",
    "neutral": "var(--jp-warn-color0, #e65100)",
}


def escape(text: object) -> str:
    """HTML-escape ``text`` (``&``, ``<``, ``>``), keeping ``$`` for MathJax."""
    return html.escape(str(text), quote=False)


def box(body: str, accent: str, role: str | None = None, cls: str = "nnlib-box") -> str:
    """A bordered block with a coloured left edge; ``accent`` is a key of :data:`COLORS`."""
    role_attr = f' role="{role}"' if role else ""
    style = (f"border-left: 4px solid {COLORS[accent]}; padding: 0.35em 0.8em; "
             f"margin: 0.2em 0; color: {COLORS['text']};")
    return f'<div class="{cls}"{role_attr} style="{style}">{body}</div>'
