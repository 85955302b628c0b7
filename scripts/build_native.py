"""Compile the narrative extractor's hot modules with mypyc into build/native/ (see etl/native.py).

    python scripts/build_native.py [--force]

Nothing happens when the build already matches the sources.  A failed build (no C compiler, no Python headers)
leaves no stamp, so the Python sources stay in use, and exits 1 with the reason: `make` goes on without it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["EXCHANGE_ATLAS_NATIVE"] = "0"  # this process reads the sources, never a build

from etl import native  # noqa: E402


def _compile(work: Path) -> None:
    """mypyc's extensions for MODULES, built under ``work`` and copied into the build directory."""
    from mypyc.build import mypycify
    from setuptools import Distribution

    # mypyc names modules after their paths, so it runs from the repository's root on relative paths.
    os.chdir(native.ROOT)
    paths = [name.replace(".", "/") + ".py" for name in native.MODULES]
    config = work / "mypy.ini"
    # The checks that matter are mypyc's own, at run time: a value of the wrong type raises TypeError.
    config.write_text("[mypy]\nignore_missing_imports = True\nignore_errors = True\nfollow_imports = silent\n")
    extensions = mypycify(["--config-file", str(config), *paths], group_name=native.GROUP, target_dir=str(work / "c"))
    dist = Distribution({"name": "etl-native", "ext_modules": extensions})
    build = dist.get_command_obj("build_ext")
    build.build_lib, build.build_temp = str(work / "lib"), str(work / "tmp")
    build.parallel = os.cpu_count() or 1
    build.ensure_finalized()
    build.run()
    if native.BUILD.exists():
        shutil.rmtree(native.BUILD)
    shutil.copytree(work / "lib", native.BUILD)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="compile even when the build matches the sources")
    args = parser.parse_args()
    if not args.force and native.build_status().startswith("compiled"):
        print(f"build/native is up to date ({len(native.MODULES)} modules)")
        return 0
    native.STAMP.unlink(missing_ok=True)  # no stamp, no use of a half-made build
    sources = native.source_hash()
    try:
        import mypy.version

        with tempfile.TemporaryDirectory(prefix="etl-native-") as work:
            _compile(Path(work))
    except Exception as exc:  # noqa: BLE001 - any failure leaves the Python sources in use; say why and go on
        print(f"build_native: not compiled, the Python sources stay in use: {type(exc).__name__}: {exc}",
              file=sys.stderr)
        return 1
    stamp = {"sources": sources, "modules": list(native.MODULES), "mypy": mypy.version.__version__,
             "python": sys.version.split()[0]}
    native.STAMP.write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    print(f"compiled {len(native.MODULES)} modules into {native.BUILD.relative_to(native.ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
