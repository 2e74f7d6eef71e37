from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema

from cohort.accounts.auth import token_or_session
from cohort.competition.leaderboards.selectors import (
    NotOnBoard,
    board_me,
    board_page,
    cursor_decode,
    cursor_encode,
    scope_for_viewer,
)
from cohort.competition.leaderboards.services import leaderboards_rebuild_if_missing
from cohort.competition.leaderboards.standings import LIFETIME, POINTS
from cohort.competition.schemas import BoardOut, MeOut

router = Router(tags=["leaderboards"], auth=token_or_session)


class ScopeIn(Schema):
    group: int | None = None
    division: int | None = None
    season: int | None = None  # the points board: a past season's (default: the current one)


def hundredths(value: int | None) -> str | None:
    return None if value is None else f"{value // 100}.{value % 100:02d}"


def score_fields(board: str, score: int) -> dict:
    """Path boards rank distances (hundredths), the others whole points."""
    if board in (POINTS, LIFETIME):
        return {"distance": None, "points": score}
    return {"distance": hundredths(score), "points": None}


def row_out(board: str, row) -> dict:
    return {
        "rank": row.rank,
        "id": row.id,
        "name": row.name,
        **score_fields(board, row.score),
        "title": row.title,
        "group": row.group_name,
        "total": hundredths(row.total),
        "active_members": row.active,
        "is_viewer": row.is_viewer,
    }


@router.get("/leaderboards/{board}", response=BoardOut, summary="A page of a leaderboard")
def leaderboard(request: HttpRequest, board: str, scope: Query[ScopeIn], cursor: str = ""):
    """`board`: `progress` (members by distance), `points` (members by season score; `season`
    for a past one), `lifetime` (members by legacy score) or `groups` (groups by the average
    distance per active member). Everyone by default; `group` or `division` narrows it. Ties
    share a rank (1, 2, 2, 4); within a tie the older account comes first."""
    where = scope_for_viewer(viewer=request.user, group_id=scope.group, division_id=scope.division)
    page = board_page(
        board=board,
        scope=where,
        viewer=request.user,
        start=cursor_decode(cursor),
        season_id=scope.season,
    )
    leaderboards_rebuild_if_missing(is_board_missing=page.is_board_missing)
    # Built here and sent as it is: validating 50 rows through the schema again took
    # 40% of this hot answer (measured). The schema above still documents it.
    return JsonResponse(
        {
            "board": page.board,
            "unit": page.unit,
            "members": page.size,
            "rows": [row_out(board, r) for r in page.rows],
            "next": cursor_encode(page.next_start),
            "previous": cursor_encode(page.previous_start),
        }
    )


@router.get("/leaderboards/{board}/me", response=MeOut, summary="The viewer's rank")
def leaderboard_me(request: HttpRequest, board: str, scope: Query[ScopeIn]):
    """The viewer's rank (their group's, on the groups board) with two rows each side."""
    where = scope_for_viewer(viewer=request.user, group_id=scope.group, division_id=scope.division)
    try:
        found = board_me(board=board, scope=where, viewer=request.user, season_id=scope.season)
    except NotOnBoard as exc:
        leaderboards_rebuild_if_missing(is_board_missing=exc.is_board_missing)
        raise
    leaderboards_rebuild_if_missing(is_board_missing=found["is_board_missing"])
    return JsonResponse(  # built as the schema above says; see leaderboard()
        {
            "board": board,
            "rank": found["rank"],
            **score_fields(board, found["row"].score),
            "neighbours": [row_out(board, r) for r in found["neighbours"]],
            "page_cursor": cursor_encode(found["page_start"]),
        }
    )
