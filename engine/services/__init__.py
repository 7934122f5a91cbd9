"""Application use cases. Each public function is one database transaction."""

from engine.services import (
    licences,  # noqa: F401  (registers the process event handlers)
    sanctions,  # noqa: F401  (registers the sanction event handlers and context provider)
)
