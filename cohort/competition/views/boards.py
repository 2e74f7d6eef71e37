from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cohort.competition.api.boards import hundredths, score_fields
from cohort.competition.selectors.boards import (
    board_me,
    board_page,
    cursor_decode,
    cursor_encode,
    scope_for_viewer,
)
from cohort.competition.standings import GROUPS, LIFETIME, POINTS, PROGRESS
from cohort.core.exceptions import DomainError, NotFound

BOARD_TABS = [
    (PROGRESS, "Distance"),
    (POINTS, "Season points"),
    (LIFETIME, "Lifetime"),
    (GROUPS, "Groups"),
]


def _score_text(board: str, score: int) -> str:
    fields = score_fields(board, score)
    return fields["distance"] if fields["points"] is None else f"{fields['points']:,}"


@login_required
@require_GET
def leaderboards_view(request):
    board = request.GET.get("board", PROGRESS)
    scope_name = request.GET.get("scope", "all")
    viewer = request.user
    group_id = viewer.group_id if scope_name == "group" else None
    division_id = None
    if scope_name == "division":
        division_id = viewer.group.division_id if viewer.group_id else viewer.division_id
    try:
        if scope_name in ("group", "division") and not (group_id or division_id):
            raise NotFound("You are not in a group or division with a board.")
        scope = scope_for_viewer(viewer=viewer, group_id=group_id, division_id=division_id)
        page = board_page(
            board=board, scope=scope, viewer=viewer, start=cursor_decode(request.GET.get("cursor"))
        )
        try:
            me = board_me(board=board, scope=scope, viewer=viewer)
        except NotFound:
            me = None
    except DomainError as exc:
        context = {"status": exc.status_code, "detail": exc.detail}
        return render(request, "error.html", context, status=exc.status_code)
    context = {
        "board": board,
        "boards": BOARD_TABS,
        "scope": scope_name,
        "scopes": [("all", "Everyone"), ("group", "My group"), ("division", "My division")]
        if board != GROUPS
        else [("all", "Everyone"), ("division", "My division")],
        "page": page,
        "rows": [(r, _score_text(board, r.score), hundredths(r.total)) for r in page.rows],
        "me": me,
        "me_distance": _score_text(board, me["row"].score) if me else None,
        "jump": cursor_encode(me["page_start"]) if me else None,
        "next": cursor_encode(page.next_start),
        "previous": cursor_encode(page.previous_start),
    }
    return render(request, "competition/leaderboards.html", context)
