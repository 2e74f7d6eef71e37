from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cohort.accounts.selectors import group_get_for_viewer, group_members_list
from cohort.dashboard.selectors import member_card
from cohort.journeys.selectors import path_current_get, path_markers_for_group


@login_required
def home(request):
    group = request.user.group
    members = group_members_list(group=group) if group else []
    return render(request, "dashboard/home.html", {"group": group, "members": members})


@login_required
def map_view(request):
    """The current path with a marker for each member of the viewer's group (staff: ?group=)."""
    path = path_current_get()
    group_id = request.GET.get("group") or request.user.group_id
    group = markers = card = None
    if path and group_id and str(group_id).isdigit():
        group = group_get_for_viewer(viewer=request.user, group_id=int(group_id))
        markers = path_markers_for_group(path=path, group_id=group.pk, viewer_id=request.user.pk)
        me = next((m for m in markers if m.is_viewer), None)
        card = member_card(user=request.user, path=path, marker=me) if me else None
    context = {"path": path, "group": group, "markers": markers or [], "card": card}
    return render(request, "dashboard/map.html", context)
