"""Password hashing (Argon2id) and the password rules."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from travelcrm.core.errors import FieldError, ValidationFailedError
from travelcrm.settings import get_settings

MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON_PASSWORDS_FILE = "common-passwords.txt"
COMMON_PASSWORD_MESSAGE = "is one of the 10,000 most common passwords"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list (lower-cased, most common first in the file), loaded once."""
    text = (
        resources.files("travelcrm.accounts")
        .joinpath("data", COMMON_PASSWORDS_FILE)
        .read_text(encoding="utf-8")
    )
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


def hasher() -> PasswordHasher:
    s = get_settings()
    return _hasher(s.argon2_time_cost, s.argon2_memory_kib, s.argon2_parallelism)


def check_password_rules(
    password: str, *, email: str | None = None, field: str = "password"
) -> None:
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"must be at most {MAX_LENGTH} characters")
    if email and password.strip().lower() == email.strip().lower():
        problems.append("must not be your email address")
    if len(set(password)) < 4:
        problems.append("is too repetitive")
    if password.strip().lower() in common_passwords():
        problems.append(COMMON_PASSWORD_MESSAGE)
    if problems:
        raise ValidationFailedError(
            f"The password {'; '.join(problems)}.",
            errors=[FieldError(field, message, "weak_password") for message in problems],
        )


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-ish time: a missing hash still costs one verification."""
    ph = hasher()
    if not password_hash:
        ph.hash(password)  # spend the same time as a real check
        return False
    try:
        return ph.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)
