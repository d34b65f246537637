"""The cluster tests start the whole cluster (deploy/cluster.py: nginx, two app servers,
two job workers, PostgreSQL, Redis, a mail sink) on a fresh database and talk to it over
HTTP like any client. They need nginx, PostgreSQL and Redis on the machine, take a minute
to start, and run only when asked for: ``make cluster-check`` (``pytest -m cluster``)."""

import pytest


def pytest_collection_modifyitems(config, items):
    markexpr = config.getoption("markexpr") or ""
    if "cluster" in markexpr and "not cluster" not in markexpr:
        return
    skip = pytest.mark.skip(reason="starts the whole cluster: run with `make cluster-check`")
    for item in items:
        if "cluster" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def cluster():
    from deploy.cluster import Cluster

    running = Cluster(quiet=True)
    running.prepare(fresh=True)
    try:
        running.start()
        yield running
    finally:
        running.stop()
