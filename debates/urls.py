from django.urls import path

from . import views

app_name = "debates"

urlpatterns = [
    path("", views.DebateView.as_view(), name="detail"),
    path("stance/", views.StanceView.as_view(), name="stance"),
    path("arguments/", views.ArgumentCreateView.as_view(), name="argue"),
    path("arguments/<int:pk>/", views.ArgumentManageView.as_view(), name="manage"),
    path("arguments/<int:pk>/edit/", views.ArgumentEditView.as_view(), name="edit"),
    path("arguments/<int:pk>/delete/", views.ArgumentDeleteView.as_view(), name="delete"),
    path("arguments/<int:pk>/reply/", views.ReplyCreateView.as_view(), name="reply"),
    path("arguments/<int:pk>/endorse/", views.EndorseView.as_view(), name="endorse"),
    path("arguments/<int:pk>/hide/", views.ArgumentHideView.as_view(), name="hide"),
    path("arguments/<int:pk>/unhide/", views.ArgumentUnhideView.as_view(), name="unhide"),
]
