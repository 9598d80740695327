"""The production stack (bench/_stack.py), started once for the session.

PostgreSQL at postgresql://postgres@127.0.0.1:5432 and Redis at redis://127.0.0.1:6379/7
(MASTHEAD_STACK_PG and MASTHEAD_STACK_REDIS move them); without them every test here is
skipped with the reason. The job lease is 5 s, so a killed worker's job is taken again
within seconds.
"""

import pytest
from bench import _stack

PUBMED_LIMIT = 1000  # the demo's PubMed back catalogue; the worker test imports later records


@pytest.fixture(scope="session")
def stack():
    reason = _stack.unavailable()
    if reason:
        pytest.skip(reason)
    try:
        with _stack.running(
            pubmed_limit=PUBMED_LIMIT, extra_env={"MASTHEAD_JOB_LEASE_SECONDS": "5"}
        ) as running:
            _stack.add_paywalled_article(running)
            yield running
    except _stack.StackUnavailable as error:
        pytest.skip(str(error))
