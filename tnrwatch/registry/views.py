from django.shortcuts import render

from tnrwatch.accounts.access import staff_view


@staff_view()
def home(request):
    return render(request, "core/error.html", {"status": 200, "title": "Workspace", "message": "Under construction."})
