"""Fill a fresh CTFd database for bench/load/suite.py: run by CTFd's own Python (its
virtualenv, the checkout as working directory), never imported by Cohort. Sets CTFd up (what
its /setup form stores), makes users with API tokens, challenges with static flags and random
solves (every user solves at least one, so each is a row of the scoreboard), and writes what
the load scenarios need as JSON.

    python ctfd_populate.py --out FILE [--users 500] [--challenges 30] [--seed 7]
"""

import argparse
import datetime
import json
import random
import warnings

from CTFd import create_app
from CTFd.cache import clear_challenges, clear_config, clear_standings
from CTFd.models import Admins, Challenges, Flags, Solves, Users, db
from CTFd.utils import set_config
from CTFd.utils.crypto import hash_password
from CTFd.utils.security.auth import generate_user_token


def main() -> None:
    warnings.filterwarnings("ignore", "Flushing object")  # Flags' polymorphic "static"
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--challenges", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    app = create_app("bench_ctfd_config.Config")
    with app.app_context():
        _setup()
        password = hash_password("bench-ctfd-password")  # one bcrypt, shared by every user
        db.session.add(Admins(name="admin", email="admin@bench.invalid", password="bench-admin"))  # noqa: S106
        db.session.execute(Users.__table__.insert(), [
            {"name": f"user{n}", "email": f"user{n}@bench.invalid", "password": password,
             "type": "user", "verified": True, "hidden": False, "banned": False}
            for n in range(args.users)
        ])  # fmt: skip
        challenges = [
            Challenges(name=f"challenge {n}", description="Find the flag.", value=100 + 10 * n,
                       category=f"category {n % 5}", state="visible", type="standard")
            for n in range(args.challenges)
        ]  # fmt: skip
        db.session.add_all(challenges)
        db.session.flush()
        db.session.add_all(
            Flags(challenge_id=c.id, type="static", content=f"flag{{{c.id}}}") for c in challenges
        )
        users = Users.query.filter_by(type="user").order_by(Users.id).all()
        start = datetime.datetime.utcnow()  # noqa: DTZ003 (CTFd stores naive UTC) - datetime.timedelta(days=2)
        solved = set()
        for user in users:
            for challenge in rng.sample(challenges, rng.randrange(1, len(challenges) // 2 + 2)):
                solved.add((user.id, challenge.id))
                db.session.add(Solves(
                    user_id=user.id, challenge_id=challenge.id, ip="127.0.0.1",
                    provided=f"flag{{{challenge.id}}}",
                    date=start + datetime.timedelta(seconds=rng.randrange(172_800)),
                ))  # fmt: skip
        db.session.commit()
        tokens = [generate_user_token(user).value for user in users]
        clear_config()
        clear_standings()
        clear_challenges()
        context = {
            "users": len(users),
            "challenges": [c.id for c in challenges],
            "solves": len(solved),
            "tokens": tokens,
        }
    with open(args.out, "w") as out:
        json.dump(context, out)
    print(f"CTFd: {len(users)} users, {len(challenges)} challenges, {len(solved)} solves.")


def _setup() -> None:
    """What CTFd's /setup form stores for a plain user-mode CTF, open now, public board."""
    for key, value in {
        "ctf_name": "bench",
        "ctf_description": "bench/load/suite.py",
        "user_mode": "users",
        "challenge_visibility": "private",
        "account_visibility": "public",
        "score_visibility": "public",
        "registration_visibility": "public",
        "verify_emails": False,
        "ctf_theme": "core",
        "setup": True,
    }.items():
        set_config(key, value)


if __name__ == "__main__":
    main()
