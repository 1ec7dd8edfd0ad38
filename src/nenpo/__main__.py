"""`python -m nenpo`: the CLI, for scripts that run it with the interpreter they run on."""

from .cli import app

app(prog_name="nenpo")
