import datetime as dt

from ninja import Field, Schema


class SubmissionFileOut(Schema):
    id: int
    name: str = Field(..., alias="original_name")
    size: int
    content_type: str


class SubmissionOut(Schema):
    id: int
    assignment_id: int
    assignment_title: str
    user_id: int
    user_name: str
    text: str
    link: str
    files: list[SubmissionFileOut] = Field(
        ..., description="download each from /submissions/{id}/files/{file id}"
    )
    file_name: str | None = Field(None, description="the first file's name, if any")
    status: str = Field(..., description="'draft', 'pending', 'approved', 'changes' or 'rejected'")
    feedback: str
    reviewer_name: str | None
    reviewed_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_assignment_title(obj) -> str:
        return obj.assignment.title

    @staticmethod
    def resolve_user_name(obj) -> str:
        return obj.user.display_name

    @staticmethod
    def resolve_files(obj) -> list:
        return list(obj.files.all())

    @staticmethod
    def resolve_file_name(obj) -> str | None:
        files = list(obj.files.all())
        return files[0].original_name if files else None

    @staticmethod
    def resolve_reviewer_name(obj) -> str | None:
        return obj.reviewer.display_name if obj.reviewer_id else None


class ReviewIn(Schema):
    decision: str = Field(..., description="'approved', 'changes' or 'rejected'")
    feedback: str = Field("", max_length=5000, description="required unless approving")


class AssignmentOut(Schema):
    """Read from a selectors.AssignmentRow (the assignment and the viewer's state of it)."""

    id: int = Field(..., alias="assignment.id")
    title: str = Field(..., alias="assignment.title")
    description: str = Field(..., alias="assignment.description")
    category: str = Field(..., alias="assignment.category.name")
    points: int = Field(..., alias="assignment.points")
    is_required: bool = Field(..., alias="assignment.is_required")
    due_on: dt.date | None = Field(None, alias="assignment.due_on")
    accepts_text: bool = Field(..., alias="assignment.accepts_text")
    accepts_link: bool = Field(..., alias="assignment.accepts_link")
    accepts_files: bool = Field(..., alias="assignment.accepts_files")
    episode_number: int | None = None
    episode_name: str | None = None
    state: str = Field(..., description="its episode's state for the viewer: done/unlocked/locked")
    status: str | None = Field(None, description="the viewer's latest submission's status")

    @staticmethod
    def resolve_episode_number(row) -> int | None:
        episode = row.assignment.episode
        return episode.number if episode else None

    @staticmethod
    def resolve_episode_name(row) -> str | None:
        episode = row.assignment.episode
        return episode.name if episode else None
