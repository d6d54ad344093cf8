from .models import User, new_feed_token


def reset_feed_token(*, user: User) -> str:
    """Give the user a new feed token; feed URLs with the old one stop working."""
    user.feed_token = new_feed_token()
    user.save(update_fields=["feed_token"])
    return user.feed_token
