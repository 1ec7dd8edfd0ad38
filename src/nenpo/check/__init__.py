"""`nenpo check`: rules that catch, before publication, what the seed had to correct after it.

Each rule is a function over a `Context` (the workspace, where each object was written, the data
indexes) returning `Finding`s with file, line, rule id, severity and a hint. Rules are listed in
`RULES`; docs/check.md documents each one (a test keeps the two in step).
"""

from .findings import Finding, Severity
from .run import RULES, Context, run_checks

__all__ = ["RULES", "Context", "Finding", "Severity", "run_checks"]
