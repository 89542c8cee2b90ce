"""The LLM planner: a LangChain agent over the registry's tools, with a circuit breaker, usage
accounting and the rule-based planner as its fallback.

Only this package (and nothing under ``tools/``) imports LangChain and the provider SDKs.
"""
