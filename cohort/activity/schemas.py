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
