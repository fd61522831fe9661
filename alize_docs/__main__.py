"""``python -m alize_docs`` runs the ``alize-docs`` command."""

from .cli import main

raise SystemExit(main())
