"""``leakwatch users``: web UI accounts (analyst or journalist) and API tokens."""

from __future__ import annotations

import sys

import typer

from crawler.cli.state import database_session, fail
from db.accounts import ROLES, create_user, issue_token

app = typer.Typer(help="Web UI accounts and API tokens.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="Login name (letters, digits, _.@-)."),
    role: str = typer.Option(..., "--role", help="analyst (can triage) or journalist (read-only)."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
) -> None:
    """Create an account (password prompted twice, or read from stdin; stored as argon2id).

    Roles: journalist (read-only) or analyst (can triage).
    """
    if role not in ROLES:
        fail(f"--role: expected one of {', '.join(ROLES)}")
    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with database_session(ctx, write=True) as session:
        create_user(session, username, role, password)
    typer.echo(f"user {username} created ({role})")


@app.command("token")
def token(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="The account the token acts as."),
    label: str = typer.Option("", help="What the token is for (shown nowhere else)."),
) -> None:
    """Create an API token for scripts (header "Authorization: Bearer TOKEN"); print it once.

    Only its SHA-256 digest is stored: keep the printed value, it cannot be shown again.
    """
    with database_session(ctx, write=True) as session:
        value = issue_token(session, username, label or None)
    typer.echo(value)
