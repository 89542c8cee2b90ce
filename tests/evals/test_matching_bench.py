"""`hrm bench --suite matching` on a small population: the loop covers everyone unless sampled."""

from hrm.evals.matching_bench import run_matching_bench


def test_bench_runs_the_loop_over_everyone_and_compares_every_ranking() -> None:
    seen: list[tuple[str, int, int]] = []
    result = run_matching_bench(
        people=600, roles=60, progress=lambda stage, done, total: seen.append((stage, done, total))
    )
    metrics = result["metrics"]
    assert metrics["identical_rankings"] is True
    assert metrics["loop_people_sampled"] == 600 and metrics["loop_scaled"] is False
    assert metrics["loop_seconds"] == metrics["loop_seconds_estimated"]
    assert seen[-1] == ("loop scorer", 600, 600)


def test_a_sampled_loop_is_scaled_and_says_so() -> None:
    metrics = run_matching_bench(people=600, roles=60, loop_people=50)["metrics"]
    assert metrics["loop_people_sampled"] == 50 and metrics["loop_scaled"] is True
    assert metrics["loop_seconds_estimated"] > metrics["loop_seconds"]
    assert metrics["identical_rankings"] is True
