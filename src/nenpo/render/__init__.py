"""Renderers: the report model laid out as HTML (and, from the same HTML, PDF)."""
