"""Names of bodies and posts in the visitor's language, built from their kind and unit.

Kazakh and Russian put the unit's name in the genitive ("Алматы облысының әкімі"), which the
registry does not store, so labels read "Akim, Almaty Region" in every language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import Body, Post

NUMBERED = {"deputy_akim", "district_deputy", "list_deputy", "commission_member"}


def body_label(body: Body) -> str:
    return _("%(body)s, %(unit)s") % {"body": body.get_kind_display(), "unit": body.unit.name}


def post_title(post: Post) -> str:
    """The post within its body: "Deputy for a single-member district No. 7"."""
    title = str(post.get_kind_display())
    if post.kind in NUMBERED:
        return _("%(post)s No. %(number)s") % {"post": title, "number": post.number}
    return title


def post_label(post: Post) -> str:
    """The post with its place: "Akim, Almaty Region"."""
    return _("%(body)s, %(unit)s") % {"body": post_title(post), "unit": post.body.unit.name}
