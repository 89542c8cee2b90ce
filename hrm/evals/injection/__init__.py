"""The prompt-injection eval: poisoned chat messages and documents against both planners, judged by
what ran and what came back (``hrm eval --suite injection``)."""

from hrm.evals.injection.run import run_injection_eval

__all__ = ["run_injection_eval"]
