from django.urls import include, path

from portal.pagecache import cached_page

from . import progress_views, views

app_name = "topics"

# Relative to /modules/<slug>/topics/.
urlpatterns = [
    path("<id:number>/", cached_page()(views.TopicDetailView.as_view()), name="detail"),
    path(
        "<id:number>/tasks/<id:position>/",
        cached_page()(views.TaskDetailView.as_view()),
        name="task",
    ),
    path("<id:number>/tasks/<id:position>/done/", progress_views.task_done_view, name="task_done"),
    path(
        "<id:number>/tasks/<id:position>/checklist/<id:item_id>/",
        progress_views.checklist_tick_view,
        name="checklist_tick",
    ),
]

# The module's own pages (timetable, calendars) sit beside its topics, under /modules/<slug>/.
module_urlpatterns = [
    path("timetable/", cached_page()(progress_views.TimetableView.as_view()), name="timetable"),
    path("timetable/calendar.ics", progress_views.timetable_ics_view, name="timetable_ics"),
    path(
        "timetable/feed/reset/", progress_views.calendar_feed_reset_view, name="calendar_feed_reset"
    ),
    path("timetable/feed/<str:token>.ics", progress_views.calendar_feed_view, name="calendar_feed"),
]

urlpatterns = [path("topics/", include(urlpatterns)), *module_urlpatterns]
