import datetime as dt

from ninja import Field, Schema

from cohort.core.schemas import JsonInt


class ActivityIn(Schema):
    steps: JsonInt = Field(..., description="Steps walked that day (0 to ACTIVITY_MAX_STEPS).")


class ActivityOut(Schema):
    date: dt.date
    steps: int
    source: str
    review: str
    updated_at: dt.datetime


class ProgressOut(Schema):
    path_id: int
    steps: int
    distance: float
    progress: float
    current_milestone: str | None


class ActivitySavedOut(ActivityOut):
    progress: list[ProgressOut]


class FlagReviewIn(Schema):
    decision: str = Field(..., description="'confirmed' or 'rejected'")


class FlaggedDayOut(Schema):
    id: int = Field(..., description="pass to POST /activity/flags/{id}/review")
    user_id: int
    member: str = Field(..., alias="user.display_name")
    group_id: int | None = Field(None, alias="user.group_id")
    group: str | None = None
    date: dt.date
    steps: int
    counted_steps: int = Field(..., description="what it counts until reviewed")
    threshold: int | None = Field(None, alias="plausible_steps", description="flagged above")
    usual_steps: int | None = Field(None, description="average counted day before it")
    usual_days: int = Field(0, description="days that average is over (up to 90 back)")

    @staticmethod
    def resolve_group(obj) -> str | None:
        return obj.user.group.name if obj.user.group_id else None

    @staticmethod
    def resolve_usual_steps(obj) -> int | None:
        return round(obj.usual_steps) if obj.usual_steps is not None else None

    @staticmethod
    def resolve_usual_days(obj) -> int:
        return obj.usual_days or 0
