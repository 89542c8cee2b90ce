"""``hrm bench``: measured suites with their metrics and targets."""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from hrm.channels.cli.common import fail, load_settings, print_json, run
from hrm.channels.cli.progress import progress_bars
from hrm.channels.runtime import open_database
from hrm.core.db import Database
from hrm.retrieval.embeddings import Embedder, embedder_for

HELP = """Run a benchmark suite; prints a table (or JSON) and exits 1 when a target is missed.

Suites and their metrics (all in percent unless said otherwise):

\b
linking  Decorte skill-linking validation splits (tech, house) against ESCO; needs
         `hrm taxonomy import esco DIR` and the eval-dev files (--data). Per split, for the
         hybrid linker and a TF-IDF baseline over ESCO labels computed in the same run:
         rp5, rp10 (R-Precision@5/@10), mrr, queries; rp5_over_baseline (points; target >= 8 on
         both splits); gold_labels_missing_from_esco; and sentences_per_second (batch linking).
inference  the inference pipeline over 200 CVs in one process: cvs_per_second, skills_per_cv,
         linker_sentences_per_second on the same CVs' lines, lines_per_cv, and
         pipeline_vs_linker (time per CV over the time to link that CV's lines alone).
titles   job-title normalisation on a title set written for the project, against the built-in
         roles: accuracy_at_1, accuracy_at_5 (target >= 90), titles_per_second, misses.
matching the person x role scorer on a synthetic 10,000 people x 500 roles (generated in the
         run; no database needed): vectorised_seconds (top 10 roles per person, the best of
         vectorised_runs spread through the benchmark, one between loop chunks; target < 0.5),
         vectorised_median_seconds; loop_seconds (the same scorer as plain Python loops, over
         everyone, about 20 s; --loop-people N for a quicker run on a spread sample),
         loop_seconds_estimated (that time scaled to all people; the same figure unless
         loop_scaled), loop_people_sampled; speedup (estimated loop time over vectorised time,
         target >= 200); identical_rankings (the loop's top 10 equal the vectorised, person by
         person; must be true).
load     the real server (uvicorn on loopback, its own process) under 50 concurrent clients on
         chat and skill search for 60 s (--clients, --seconds): requests, requests_per_second,
         p50_ms, p95_ms, errors (target 0), errors_by_kind, and the same per endpoint.
chat     chat turns through the agent in one process with the rule-based planner (models loaded
         once), on an organisation the run creates: turns, p50_ms, p95_ms (target <= 300),
         max_ms, p95_ms_by_tool.
"""

SUITES = ("linking", "titles", "inference", "matching", "chat", "load")


def _data_dir(explicit: Path | None) -> Path:
    from hrm.evals.skillspan import find_data_dir

    found = find_data_dir(explicit)
    if found is None:
        fail("benchmark data not found: pass --data DIR (the folder holding eval-dev/) or set HRM_EVAL_DATA")
    return found


def _table(result: dict[str, Any]) -> None:
    metrics = result["metrics"]
    if result["suite"] == "linking":
        typer.echo(f"{'split':<7} {'system':<7} {'RP@5':>6} {'RP@10':>6} {'MRR':>6} {'queries':>8}")
        for split in ("tech", "house"):
            for system in ("hybrid", "tfidf"):
                m = metrics[split][system]
                typer.echo(
                    f"{split:<7} {system:<7} {m['rp5']:>6.1f} {m['rp10']:>6.1f} {m['mrr']:>6.1f} {m['queries']:>8}"
                )
            typer.echo(
                f"{split:<7} RP@5 over baseline: {metrics[split]['rp5_over_baseline']:+.1f} points "
                f"(gold labels not in ESCO: {metrics[split]['gold_labels_missing_from_esco']})"
            )
        typer.echo(f"throughput: {metrics['sentences_per_second']} sentences/s")
    else:
        for key, value in metrics.items():
            if key not in ("misses", "failures", "conversation_misses", "confusion", "per_intent"):
                typer.echo(f"{key}: {value}")
        for intent, share in sorted((metrics.get("per_intent") or {}).items()):
            typer.echo(f"  {intent}: {share}")
        for failure in metrics.get("failures", []):
            typer.echo(f"  failure: {failure}")
        for miss in [*metrics.get("misses", []), *metrics.get("conversation_misses", [])]:
            said = miss.get("title") or miss.get("text")
            typer.echo(f"  miss: {said!r} expected {miss['expected']} got {miss['got']}")
    typer.echo(f"{result['suite']}: {'PASSED' if result['passed'] else 'BELOW TARGET'}")


def _run_suite(runner: Callable[[Database, Embedder], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """One suite on the configured database and embedder."""
    settings = load_settings()

    async def go() -> dict[str, Any]:
        async with open_database(settings) as db:
            return await runner(db, embedder_for(settings.embedder))

    return run(go())


def bench(
    suite: Annotated[
        str, typer.Option("--suite", help="linking, titles, inference, matching, chat or load.")
    ] = "linking",
    as_json: Annotated[bool, typer.Option("--json", help='{"suite", "metrics", "passed"}')] = False,
    data: Annotated[Path | None, typer.Option("--data", help="Folder holding eval-dev/ (for linking).")] = None,
    clients: Annotated[int, typer.Option("--clients", min=1, max=500, help="Concurrent clients (load).")] = 50,
    seconds: Annotated[float, typer.Option("--seconds", min=1, max=3600, help="Duration (load).")] = 60,
    loop_people: Annotated[
        int | None,
        typer.Option("--loop-people", min=1, help="People the loop scorer runs over (matching; default all)."),
    ] = None,
) -> None:
    if suite not in SUITES:
        fail(f"unknown suite {suite!r}; choose from {', '.join(SUITES)}")
    if suite == "matching":
        from hrm.evals.matching_bench import run_matching_bench

        with progress_bars() as report:
            result = run_matching_bench(loop_people=loop_people, progress=report)
        _report(result, as_json)
        return
    from hrm.evals.chat_bench import run_chat_bench
    from hrm.evals.inference_bench import run_inference_bench
    from hrm.evals.linking import run_linking
    from hrm.evals.titles import run_titles

    def suite_runner(db: Database, embedder: Embedder) -> Awaitable[dict[str, Any]]:
        if suite == "linking":
            return run_linking(db, embedder, _data_dir(data))
        if suite == "inference":
            return run_inference_bench(db, embedder)
        if suite == "chat":
            return run_chat_bench(db, embedder)
        if suite == "load":
            from hrm.evals.load_bench import run_load_bench

            return run_load_bench(db, embedder, clients=clients, seconds=seconds)
        return run_titles(db, embedder)

    _report(_run_suite(suite_runner), as_json)


def _report(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(result)
    else:
        _table(result)
    if not result["passed"]:
        raise typer.Exit(1)


bench.__doc__ = HELP

EVAL_HELP = """Run an eval suite; prints a table (or JSON) and exits 1 below its threshold.

\b
inference  CVs written for the project (hrm/evals/data/cvs) against gold skills and level bands
           from two independent reviews, in the built-in taxonomy: precision, recall, f1
           (micro; target >= 0.70), level_band_accuracy (low 1-2, mid 3, high 4-5, over the
           skills found), gold_skills, recall_by_review (first and second review's gold),
           expected_calibration_error with a reliability table, and per-CV misses and extras.
           esco (when ESCO is imported): the same CVs inferred against ESCO, scored on the gold
           mapped to ESCO URIs (data/cvs/gold_esco.json): precision, recall, f1,
           level_band_accuracy, gold_mapped, gold_unmapped (gold skills with no ESCO
           equivalent, left out). skillspan (when --data, HRM_EVAL_DATA or ../shared/data holds
           eval-dev/skillspan_dev.json): the pipeline's verbatim skill spans on every dev
           sentence, per taxonomy (builtin, esco): strict (same boundaries) and loose (overlap)
           precision, recall and f1 for the union of skill and knowledge spans and per tag.
fairness   the matching scorer on a synthetic population of 20,000 carrying a protected
           attribute it never sees: adverse_impact per population (control; modest_self_rating,
           where one group records a third of its skills a level lower): roles,
           selected_per_role (top 10%), min_ratio, median_ratio, roles_below_four_fifths (flag
           < 0.8; the control must have none) and flagged roles. counterfactual: the eval CVs
           with names, pronouns and gendered words swapped, inferred again: cases,
           top10_identical (target >= 0.98), top10_same_set, changed.
matching   match_roles, find_candidates, analyze_gap, plan_career_path and team_skills on a
           hand-built organisation whose answers are known (hrm/evals/data/matching), asked
           through the agent as hrm ask does: the best candidate for a role, a person's best
           role and their one gap, a curated career path, the team's gap, its single point of
           failure, who knows a skill, who could cover for someone, and refusals of what the caller
           may not see: cases, passed_cases, accuracy (target 1.0), refusal_cases, by_tool,
           failures (each case's problems).
jd         job descriptions for 20+ requests written for the project (hrm/evals/data/
           jd_requests.jsonl), on an organisation the run creates: requests; essential_coverage
           (the role's essential skills present), no_outside_skills (no skill outside catalogue
           and request), sections_complete, flag_recall (seeded biased words flagged),
           clean_false_flag_rate, refinement_turns and refinement_accuracy (each turn changes
           what it says and nothing else), declines_correct (unsupported edits declined, no new
           version) — shares 0-1 — and failures.
routing    the rule-based planner's first tool on 150+ utterances written for the project
           (employee, manager, HR; casual, typos, follow-ups, some Italian) and on multi-turn
           conversation scripts: accuracy (target >= 0.90), dev_accuracy, held_out_accuracy
           (a third of the lines kept out of tuning), per_intent, confusion (expected -> got),
           conversation_turn_accuracy, misses.
injection  208 poisoned chat messages and documents (26 phrasings in 10 families x 8 carriers:
           chat, CV, hidden PDF text, hidden DOCX runs, GitHub, LinkedIn, project records,
           reviews; 13 targets; employee, manager and HR callers) against both planners, the
           language-model one through a scripted model that obeys every injection: cases,
           by_family, by_carrier, by_target, unauthorised_tool_calls, leaks, stored_for_others,
           inflated_levels (all must be 0), by_path, failures.
"""

EVAL_SUITES = ("inference", "fairness", "matching", "jd", "routing", "injection")


def evaluate(
    suite: Annotated[
        str, typer.Option("--suite", help="inference, fairness, matching, jd, routing or injection.")
    ] = "inference",
    as_json: Annotated[bool, typer.Option("--json", help='{"suite", "metrics", "passed"}')] = False,
    data: Annotated[
        Path | None, typer.Option("--data", help="Folder holding eval-dev/ (for the SkillSpan figures).")
    ] = None,
) -> None:
    if suite not in EVAL_SUITES:
        fail(f"unknown suite {suite!r}; choose from {', '.join(EVAL_SUITES)}")
    if suite in ("matching", "jd", "routing", "injection"):
        from hrm.evals.injection import run_injection_eval
        from hrm.evals.jd import run_jd_eval
        from hrm.evals.matching import run_matching_eval
        from hrm.evals.routing import run_routing_eval

        runners = {
            "matching": run_matching_eval,
            "jd": run_jd_eval,
            "routing": run_routing_eval,
            "injection": run_injection_eval,
        }
        _report(_run_suite(runners[suite]), as_json)
        return
    if suite == "fairness":
        from hrm.evals.fairness import run_fairness_eval

        fairness = _run_suite(run_fairness_eval)
        if as_json:
            print_json(fairness)
        else:
            _fairness_table(fairness["metrics"])
            typer.echo(f"fairness: {'PASSED' if fairness['passed'] else 'BELOW TARGET'}")
        if not fairness["passed"]:
            raise typer.Exit(1)
        return
    from hrm.evals.inference import run_inference_eval
    from hrm.evals.skillspan import find_data_dir

    data_dir = _data_dir(data) if data else find_data_dir()
    result = _run_suite(lambda db, embedder: run_inference_eval(db, embedder, data_dir=data_dir))
    if as_json:
        print_json(result)
    else:
        _eval_table(result["metrics"])
        typer.echo(f"{result['suite']}: {'PASSED' if result['passed'] else 'BELOW TARGET'}")
    if not result["passed"]:
        raise typer.Exit(1)


def _eval_table(metrics: dict[str, Any]) -> None:
    for key in ("cvs", "precision", "recall", "f1", "level_band_accuracy", "gold_skills", "recall_by_review",
                "expected_calibration_error"):  # fmt: skip
        typer.echo(f"{key}: {metrics[key]}")
    for row in metrics["reliability"]:
        typer.echo(f"  confidence {row['bin']}: n={row['n']} mean={row['confidence']} precision={row['precision']}")
    if "esco" in metrics:
        esco = metrics["esco"]
        typer.echo(
            f"esco: precision {esco['precision']} recall {esco['recall']} f1 {esco['f1']} "
            f"level_band_accuracy {esco['level_band_accuracy']} (gold mapped {esco['gold_mapped']}, "
            f"without an ESCO equivalent {esco['gold_unmapped']})"
        )
    if "skillspan" in metrics:
        spans = metrics["skillspan"]
        typer.echo(f"skillspan ({spans['sentences']} sentences):")
        for taxonomy in ("builtin", "esco"):
            for part in ("union", "skill", "knowledge") if taxonomy in spans else ():
                m = spans[taxonomy][part]
                typer.echo(
                    f"  {taxonomy:<7} {part:<9} strict P/R/F1 {m['strict']['precision']}/{m['strict']['recall']}/"
                    f"{m['strict']['f1']}  loose {m['loose']['precision']}/{m['loose']['recall']}/{m['loose']['f1']}"
                )


def _fairness_table(metrics: dict[str, Any]) -> None:
    for population, m in metrics["adverse_impact"].items():
        typer.echo(
            f"{population}: {m['roles']} roles, top {m['selected_per_role']} selected each; adverse-impact ratio "
            f"min {m['min_ratio']} median {m['median_ratio']}; below four-fifths: {m['roles_below_four_fifths']}"
        )
        for role in m["flagged"]:
            typer.echo(f"  flagged: {role['role']} ratio {role['ratio']}")
    flips = metrics["counterfactual"]
    typer.echo(
        f"counterfactual CVs: {flips['cases']} cases, top-10 identical {flips['top10_identical']}, "
        f"same set {flips['top10_same_set']}"
    )


evaluate.__doc__ = EVAL_HELP
