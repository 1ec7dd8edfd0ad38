"""Packaging that pyproject.toml cannot declare: the bundled example travels inside the wheel.

The example workspace lives at examples/digital-agency-2024 (where a reader of the repository
looks for it); a wheel carries a copy at nenpo/examples/digital-agency-2024, which
`nenpo.settings.bundled_example()` finds when there is no checkout around the package.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

EXAMPLE = "digital-agency-2024"
HERE = Path(__file__).resolve().parent


class BuildWithExample(build_py):
    """build_py, plus the bundled example as package data."""

    def run(self) -> None:
        super().run()
        src = HERE / "examples" / EXAMPLE
        if self.editable_mode or not src.is_dir():  # an editable install reads the checkout
            return
        dst = Path(self.build_lib) / "nenpo" / "examples" / EXAMPLE
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", ".*"))


setup(cmdclass={"build_py": BuildWithExample})
