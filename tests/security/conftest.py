"""The security review's findings (issue 19): people, groups and review work from the
study-group and review tests' fixtures."""

from tests.review.conftest import structures, submitted, task  # noqa: F401
from tests.studygroups.conftest import (  # noqa: F401
    ann,
    bob,
    cat,
    group,
    make_group,
    schedule,
    supervisor_of,
    trainee_maker,
)
