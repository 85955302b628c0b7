"""The fuzz runner is started by ``make fuzz``, never collected by pytest."""

collect_ignore_glob = ["*.py"]
