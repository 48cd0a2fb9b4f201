"""``leakwatch users``: web UI accounts (analyst or journalist), their sessions and API tokens.

Passwords are prompted (twice) or read from the first line of stdin, never taken as an argument
(it would be kept in the shell history and shown by ``ps``). Tokens are printed once, when made.
"""

from __future__ import annotations

import sys
from datetime import timedelta

import typer

from crawler.cli.output import FORMAT_HELP, check_format, print_rows
from crawler.cli.state import database_session, fail
from crawler.core.config import parse_duration
from db.accounts import (
    ROLES,
    create_user,
    end_sessions_of,
    issue_token,
    list_tokens,
    list_users,
    revoke_token,
    set_disabled,
    set_password,
)
from db.models import utcnow

app = typer.Typer(help="Web UI accounts, their sessions and API tokens.", no_args_is_help=True)

#: How long a new API token works unless --expires-in says otherwise.
DEFAULT_TOKEN_LIFETIME = "90d"
PASSWORD_STDIN_HELP = "Read the password from the first line of stdin (for scripts)."
USER_COLUMNS = ("username", "role", "disabled", "created_at", "last_login_at", "sessions", "tokens")
TOKEN_COLUMNS = (
    "id", "username", "label", "created_at", "expires_at", "revoked_at", "last_used_at", "status",
)  # fmt: skip


@app.command("add")
def add(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="Login name (letters, digits, _.@-)."),
    role: str = typer.Option(..., "--role", help="analyst (can triage) or journalist (read-only)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=PASSWORD_STDIN_HELP),
) -> None:
    """Create an account (password prompted twice, or read from stdin; stored as argon2id).

    Roles: journalist (read-only) or analyst (can triage).
    """
    if role not in ROLES:
        fail(f"--role: expected one of {', '.join(ROLES)}")
    password = read_password(password_stdin)
    with database_session(ctx, write=True) as session:
        create_user(session, username, role, password)
    typer.echo(f"user {username} created ({role})")


@app.command("list")
def list_command(
    ctx: typer.Context,
    fmt: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP, callback=check_format),
) -> None:
    """List the accounts: role, disabled, created, last login, live sessions, usable tokens."""
    with database_session(ctx) as session:
        users = list_users(session)
    rows = [{column: getattr(user, column) for column in USER_COLUMNS} for user in users]
    print_rows(rows, USER_COLUMNS, fmt, title=f"{len(rows)} user(s)")


@app.command("disable")
def disable(
    ctx: typer.Context, username: str = typer.Argument(..., help="The account to disable.")
) -> None:
    """Disable an account: it can no longer log in, its sessions end, its tokens are revoked.

    Enabling it again (leakwatch users enable) revives no token: make new ones.
    """
    with database_session(ctx, write=True) as session:
        ended, revoked = set_disabled(session, username, True)
    typer.echo(f"user {username} disabled: {ended} session(s) ended, {revoked} token(s) revoked")


@app.command("enable")
def enable(
    ctx: typer.Context, username: str = typer.Argument(..., help="The account to enable.")
) -> None:
    """Enable a disabled account (it logs in with its password; its old tokens stay revoked)."""
    with database_session(ctx, write=True) as session:
        set_disabled(session, username, False)
    typer.echo(f"user {username} enabled")


@app.command("password")
def password(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="The account whose password changes."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=PASSWORD_STDIN_HELP),
) -> None:
    """Change a password (prompted twice, or read from stdin) and end the account's sessions.

    Its API tokens keep working: revoke them with leakwatch users revoke-token.
    """
    new_password = read_password(password_stdin)
    with database_session(ctx, write=True) as session:
        ended = set_password(session, username, new_password)
    typer.echo(f"password of {username} changed: {ended} session(s) ended")


@app.command("token")
def token(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="The account the token acts as."),
    label: str = typer.Option("", help="What the token is for (shown by leakwatch users tokens)."),
    expires_in: str = typer.Option(
        DEFAULT_TOKEN_LIFETIME,
        "--expires-in",
        help='How long the token works: "90d", "12h", "30m"; "never" for no expiry.',
    ),
) -> None:
    """Create an API token for scripts (header "Authorization: Bearer TOKEN"); print it once.

    Only its SHA-256 digest is stored: keep the printed value, it cannot be shown again. It
    expires after --expires-in (90 days unless said otherwise).
    """
    lifetime = token_lifetime(expires_in)
    with database_session(ctx, write=True) as session:
        value = issue_token(session, username, label or None, lifetime)
    typer.echo(value)


@app.command("tokens")
def tokens(
    ctx: typer.Context,
    username: str | None = typer.Argument(None, help="Only this account's tokens."),
    fmt: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP, callback=check_format),
) -> None:
    """List the API tokens (never their value): id, owner, label, dates and status.

    An empty expires_at means the token never expires (made with --expires-in never, or before
    tokens could expire).
    """
    now = utcnow()
    with database_session(ctx) as session:
        found = list_tokens(session, username)
    rows = []
    for item, owner in found:
        if item.revoked_at is not None:
            status = "revoked"
        elif item.expires_at is not None and item.expires_at <= now:
            status = "expired"
        else:
            status = "active"
        rows.append(
            {
                "id": item.id,
                "username": owner,
                "label": item.label,
                "created_at": item.created_at,
                "expires_at": item.expires_at,
                "revoked_at": item.revoked_at,
                "last_used_at": item.last_used_at,
                "status": status,
            }
        )
    print_rows(rows, TOKEN_COLUMNS, fmt, title=f"{len(rows)} token(s)")


@app.command("revoke-token")
def revoke_token_command(
    ctx: typer.Context,
    token_id: int = typer.Argument(..., help="The token's id (leakwatch users tokens)."),
) -> None:
    """Revoke an API token: requests bearing it are refused from now on."""
    with database_session(ctx, write=True) as session:
        revoked = revoke_token(session, token_id)
        owner = revoked.user.username
    typer.echo(f"token {token_id} of {owner} revoked")


@app.command("logout")
def logout(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="The account whose sessions end."),
) -> None:
    """End every web session of an account (a stolen cookie, a lost laptop); it logs in again."""
    with database_session(ctx, write=True) as session:
        ended = end_sessions_of(session, username)
    typer.echo(f"{ended} session(s) of {username} ended")


def read_password(from_stdin: bool) -> str:
    """The password from stdin's first line (``--password-stdin`` or no terminal), else
    prompted twice without echo."""
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return entered


def token_lifetime(text: str) -> timedelta | None:
    """The ``--expires-in`` value as a duration (None for "never"); exits with 2 otherwise."""
    if text.strip().lower() == "never":
        return None
    try:
        seconds = parse_duration(text)
    except ValueError:
        fail('--expires-in: expected a duration such as "90d", "12h" or "30m", or "never"')
    if seconds <= 0 or seconds > 10 * 365 * 86400:
        fail("--expires-in: expected more than 0 and at most 3650d")
    return timedelta(seconds=seconds)
