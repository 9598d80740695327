from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from masthead.api.tokens import create_token


class Command(BaseCommand):
    help = "Make an API token for a user and print its key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, username, name, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"no user {username!r}") from None
        if not user.is_active:
            raise CommandError(f"{username!r} is not active")
        token, key = create_token(user, name or f"API token of {username}")
        if not user.is_staff:
            self.stderr.write(f"{username} is not staff: the token reads, it cannot write.")
        self.stderr.write(f"Token {token.name!r} for {username}. The key, shown only now:")
        self.stdout.write(key)
