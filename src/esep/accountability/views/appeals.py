"""Filing an appeal, the applicant's and the staff's pages."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


file_appeal = my_appeals = inbox = appeal_detail = appeal_file = _todo
