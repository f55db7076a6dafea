"""Open appeals and information requests follow the working-day calendar: when a transferred
day off is entered or removed, their deadlines are computed again."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from esep.core.calendar import calendar_changed


@receiver(calendar_changed)
def recompute_open_deadlines(sender: Any, **kwargs: Any) -> None:
    from .actions.information import recompute_open_information_deadlines
    from .clock import recompute_open_deadlines as recompute

    recompute()
    recompute_open_information_deadlines()
