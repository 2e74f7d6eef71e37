from ninja import Router

from cohort.accounts.auth import token_or_session

router = Router(tags=["mentoring"], auth=token_or_session)
