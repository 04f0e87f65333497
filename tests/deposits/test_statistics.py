import datetime

from passeport.deposits.statistics import add_months, deadline_of


def test_deadline_is_three_months_after_the_award():
    assert deadline_of(datetime.date(2026, 1, 15)) == datetime.date(2026, 4, 15)
    assert deadline_of(datetime.date(2025, 11, 30)) == datetime.date(2026, 2, 28)
    assert deadline_of(datetime.date(2027, 11, 30)) == datetime.date(2028, 2, 29)
    assert deadline_of(None) is None
    assert add_months(datetime.date(2026, 3, 31), -1) == datetime.date(2026, 2, 28)
