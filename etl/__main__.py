"""Command line: ``python -m etl build INPUT... --out FILE.parquet|FILE.csv|DIR``.

Exit codes: 0 when every input was usable (rows may still be rejected, and
are listed in the rejects file); 1 when some input file was unusable (the
others are still written); 2 for a usage error or when nothing was usable.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from etl.build import FORMATS, build, write_all
from etl.normalize.countries import resolve
from etl.sources.base import Options


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m etl", description="Exchange Atlas ETL")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the event table from narrative, table and GDELT sources")
    b.add_argument("inputs", nargs="+", help="files or directories (directories recurse)")
    b.add_argument("--out", required=True,
                   help="output .parquet or .csv, or a directory (no suffix) for a year-partitioned Parquet dataset")
    b.add_argument("--rejects", help="rejects file (default: beside --out, e.g. events.rejects.parquet)")
    b.add_argument("--home", default="CHN", help="ISO3 of the reporting side, excluded from counterparts (default CHN)")
    b.add_argument("--format", default="auto", choices=FORMATS, help="force one adapter for every input")
    b.add_argument("--mapping", help="JSON or YAML file mapping table headers to schema fields")
    b.add_argument("--gdelt-roots", default="03,04,05,06", help="CAMEO root codes kept from GDELT (default 03-06)")
    b.add_argument("--gdelt-codes", default="042,043", help="extra full CAMEO codes kept whatever their root")
    b.add_argument("--territory-policy", default="separate", choices=("separate", "fold"),
                   help="recorded in the manifest; 'fold' shows HKG, MAC and TWN as CHN in the dashboard")
    b.add_argument("--engine", default="local", choices=("local", "dask"), help="run files on Dask workers")
    b.add_argument("--scheduler", help="address of a running Dask scheduler (default: a LocalCluster)")
    b.add_argument("--workers", type=int, help="worker processes of the LocalCluster (default: one per core)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _options(args) -> Options:
    home = resolve(args.home)
    if home is None:
        raise SystemExit(f"--home: '{args.home}' is not a country")
    mapping = _load_mapping(args.mapping) if args.mapping else None
    return Options(home=home, mapping=mapping, gdelt_roots=_codes(args.gdelt_roots), gdelt_codes=_codes(args.gdelt_codes))


def _codes(value: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in value.split(",") if c.strip())


def _load_mapping(path: str) -> dict[str, str]:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))  # JSON is YAML too
    except (OSError, yaml.YAMLError) as exc:
        raise SystemExit(f"{path}: cannot read mapping ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise SystemExit(f"{path}: a mapping must be an object of header -> field name")
    return data


def run_build(args) -> int:
    result = build(args.inputs, _options(args), args.format, args.engine, args.scheduler, progress=not args.quiet,
                   workers=args.workers)
    usable = [f for f in result.files if not f.error or f.duplicate]
    if not result.files:
        print("error: no input files found", file=sys.stderr)
        return 2
    manifest = write_all(result, Path(args.out), Path(args.rejects) if args.rejects else None, args.territory_policy)
    _summary(result, manifest, args.out)
    if not usable:
        return 2
    return 1 if result.unusable else 0


def _summary(result, manifest: dict, out: str) -> None:
    err = sys.stderr
    for f in result.files:
        if f.error:
            print(f"{'skipped' if f.duplicate else 'error'}: {f.error}", file=err)
        elif f.rows_read is not None:
            print(f"{f.path}: read {f.rows_read} rows = {f.events} accepted + {f.rejects} rejected", file=err)
    reasons = Counter(result.rejects["reason"].astype(str)).most_common(5)
    top = ", ".join(f"{r} ({n})" for r, n in reasons) or "none"
    print(f"files: {len(result.files)} ({len(result.unusable)} unusable), events: {manifest['events']}, "
          f"rejects: {manifest['rejects']}, merged duplicates: {manifest['merged_duplicates']}, "
          f"organizations: {manifest['organizations']}", file=err)
    print(f"top reject reasons: {top}", file=err)
    print(f"wrote {out} (data version {manifest['data_version']})", file=err)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "build":
        return run_build(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
