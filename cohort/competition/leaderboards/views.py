from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cohort.competition.leaderboards.api import hundredths, score_fields
from cohort.competition.leaderboards.html import board_rows_html
from cohort.competition.leaderboards.selectors import (
    NotOnBoard,
    board_me,
    board_page,
    cursor_decode,
    cursor_encode,
    scope_for_viewer,
)
from cohort.competition.leaderboards.services import leaderboards_rebuild_if_missing
from cohort.competition.leaderboards.standings import GROUPS, LIFETIME, POINTS, PROGRESS
from cohort.core.exceptions import DomainError, NotFound

TEMPLATE = "competition/leaderboards/page.html"
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
    """A page of one board with the viewer's rank; the tabs stay when a board has nothing
    to show yet (no path, no season), with the reason in their place."""
    board = request.GET.get("board", PROGRESS)
    scope_name = request.GET.get("scope", "all")
    context = {
        "board": board,
        "boards": BOARD_TABS,
        "scope": scope_name,
        "scopes": [("all", "Everyone"), ("division", "My division")]
        if board == GROUPS
        else [("all", "Everyone"), ("group", "My group"), ("division", "My division")],
    }
    try:
        context.update(_board_context(request.user, board, scope_name, request.GET.get("cursor")))
    except DomainError as exc:
        context["problem"] = exc.detail
        return render(request, TEMPLATE, context, status=exc.status_code)
    return render(request, TEMPLATE, context)


def _board_context(viewer, board: str, scope_name: str, cursor: str | None) -> dict:
    group_id = viewer.group_id if scope_name == "group" else None
    division_id = None
    if scope_name == "division":
        division_id = viewer.group.division_id if viewer.group_id else viewer.division_id
    if scope_name in ("group", "division") and not (group_id or division_id):
        raise NotFound(_("You are not in a group or division with a board."))
    scope = scope_for_viewer(viewer=viewer, group_id=group_id, division_id=division_id)
    page = board_page(board=board, scope=scope, viewer=viewer, start=cursor_decode(cursor))
    leaderboards_rebuild_if_missing(is_board_missing=page.is_board_missing)
    try:
        me = board_me(board=board, scope=scope, viewer=viewer)
    except NotOnBoard as exc:
        leaderboards_rebuild_if_missing(is_board_missing=exc.is_board_missing)
        me = None
    except NotFound:
        me = None
    else:
        leaderboards_rebuild_if_missing(is_board_missing=me["is_board_missing"])
    rows = [(r, _score_text(board, r.score), hundredths(r.total)) for r in page.rows]
    return {
        "page": page,
        "rows": rows,
        "rows_html": board_rows_html(rows, board=board, unit=page.unit),
        "me": me,
        "me_distance": _score_text(board, me["row"].score) if me else None,
        "jump": cursor_encode(me["page_start"]) if me else None,
        "next": cursor_encode(page.next_start),
        "previous": cursor_encode(page.previous_start),
    }
