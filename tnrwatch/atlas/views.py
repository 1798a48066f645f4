from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def home(request):
    return render(request, "core/error.html", {"status": 200, "title": "tnrwatch", "message": "Under construction."})
