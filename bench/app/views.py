from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def floor(request):
    """The floor every page is measured against: bare Django behind the portal's own
    middleware, reading the session and the user (the 2 queries of a signed-in request
    on database sessions) and rendering a small template."""
    return render(request, "bench/floor.html", {"name": request.user.get_full_name()})
