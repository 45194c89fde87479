"""``python -m replydiag``: the same as the ``replydiag`` command."""

from .cli import main

main()
