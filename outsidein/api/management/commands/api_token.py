"""Create, list or revoke a user's API tokens: `manage.py api_token create alice --name etl`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from outsidein.accounts.models import ApiToken
from outsidein.accounts.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke API tokens. The raw token is shown once, at creation."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Issue a token for a user.")
        create.add_argument("username")
        create.add_argument("--name", default="api", help="What the token is for.")
        listing = actions.add_parser("list", help="A user's tokens (prefixes only).")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix", help="The 8 characters after 'oi_' (see `list`).")
        revoke.add_argument("--username", help="Only that user's token with this prefix.")

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(**options)

    def _user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        return user

    def _create(self, *, username, name, **_options):
        user = self._user(username)
        if not user.is_active:
            raise CommandError(f"{username!r} is not active; its token would be refused.")
        token, raw = api_token_create(user=user, name=name)
        self.stderr.write(f"Token {token.prefix}… for {username} ({name}). It is shown once:")
        self.stdout.write(raw)

    def _list(self, *, username, **_options):
        for token in ApiToken.objects.filter(user=self._user(username)).order_by("created_at"):
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(f"{token.prefix}  {token.name}  {state}  last used {used}")

    def _revoke(self, *, prefix, username=None, **_options):
        prefix = prefix.removeprefix("oi_")[:8]
        tokens = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True)
        if username:
            tokens = tokens.filter(user=self._user(username))
        tokens = list(tokens)
        if not tokens:
            raise CommandError(f"No active token with prefix {prefix!r}.")
        if len(tokens) > 1:
            raise CommandError(f"{len(tokens)} tokens share prefix {prefix!r}; add --username.")
        api_token_revoke(token=tokens[0])
        self.stdout.write(f"Revoked {tokens[0].prefix}… ({tokens[0].name}).")
