"""``python -m talentpool`` is the same as the ``talentpool`` command."""

from talentpool.cli import main

main()
