from django.urls import path

from portal.pagecache import cached_page

from . import views

# Kept pages (portal.pagecache) that show everyone's arguments.
debate_page = cached_page(lambda request, **kwargs: ["debates"])

app_name = "debates"

urlpatterns = [
    path("", debate_page(views.DebateView.as_view()), name="detail"),
    path("stance/", views.StanceView.as_view(), name="stance"),
    path("arguments/", views.ArgumentCreateView.as_view(), name="argue"),
    path("arguments/<id:pk>/", debate_page(views.ArgumentManageView.as_view()), name="manage"),
    path("arguments/<id:pk>/edit/", views.ArgumentEditView.as_view(), name="edit"),
    path("arguments/<id:pk>/delete/", views.ArgumentDeleteView.as_view(), name="delete"),
    path("arguments/<id:pk>/reply/", views.ReplyCreateView.as_view(), name="reply"),
    path("arguments/<id:pk>/endorse/", views.EndorseView.as_view(), name="endorse"),
    path("arguments/<id:pk>/hide/", views.ArgumentHideView.as_view(), name="hide"),
    path("arguments/<id:pk>/unhide/", views.ArgumentUnhideView.as_view(), name="unhide"),
]
