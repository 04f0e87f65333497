"""`check --deploy` fails loudly while a demo-only switch is on (core/checks.py)."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from passeport.core.checks import DEMO_SWITCHES


@pytest.mark.parametrize(("name", "code"), [(name, code) for name, code, *_ in DEMO_SWITCHES])
def test_a_demo_switch_fails_the_deploy_check(settings, name, code):
    for other, *_ in DEMO_SWITCHES:
        setattr(settings, other, False)
    setattr(settings, name, True)
    with pytest.raises(SystemCheckError) as error:
        call_command("check", "--deploy", "--tag", "security")
    assert code in str(error.value)
    assert sum(c in str(error.value) for _, c, *_ in DEMO_SWITCHES) == 1


def test_no_demo_switch_no_error(settings):
    for name, *_ in DEMO_SWITCHES:
        setattr(settings, name, False)
    from passeport.core.checks import demo_switches_off

    assert demo_switches_off() == []
