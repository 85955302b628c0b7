"""Running the build on Dask (``--engine dask``).

Each input file is one task running :func:`etl.build.process_file`, the same
pure function the local engine calls, so both engines give the same table.
Without ``--scheduler`` a ``LocalCluster`` of one single-threaded worker per
core starts and stops with the build; with it, the build joins a running
cluster (``dask scheduler`` / ``dask worker``), whose workers must see the
input paths and have this project installed.
"""

from __future__ import annotations

import os

from etl.sources.base import Options


def run_dask(paths: list[str], fmt: str, options: Options, scheduler: str | None = None, workers: int | None = None):
    """``[(Result | None, FileReport), ...]`` in the order of ``paths``."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            return _gather(client, paths, fmt, options)
    n = workers or min(os.cpu_count() or 1, max(len(paths), 1))
    # Processes, not threads: the extractors are pure Python and hold the GIL.
    with (LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
          Client(cluster) as client):
        return _gather(client, paths, fmt, options)


def _gather(client, paths, fmt, options):
    from etl.build import process_file

    futures = client.map(process_file, paths, fmt=fmt, options=options, pure=False)
    return client.gather(futures)
