"""``python -m alize_docs`` runs the ``alize-docs`` command."""

from alize_docs.cli import main

raise SystemExit(main())
