"""flask report synthesis / pdf: the scope options, the formats, clean errors."""

import csv
import io
import json

from tests.reports.dataset import FORMULA, LOVE_TITLE, PERSONAL, json_group_of, json_member_ids


def synthesis(runner, *args):
    return runner.invoke(args=["report", "synthesis", *args])


def test_synthesis_json_for_all_sessions(runner, dataset):
    result = synthesis(runner, "--all")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scope"]["kind"] == "all" and data["scope"]["grouping"] == "confirmed"
    love = data["groups"][0]
    assert love["title"] == LOVE_TITLE
    assert (love["supporters"], love["votes"], json_member_ids(love)) == (7, 11, [dataset.p["P1"], dataset.p["P2"]])
    assert {"id", "title", "board", "votes"} <= love["proposals"][0].keys()
    for secret in PERSONAL:
        assert secret.casefold() not in result.stdout.casefold()


def test_synthesis_of_one_session_as_csv_into_a_file(runner, dataset, tmp_path):
    target = tmp_path / "tilburg.csv"
    result = synthesis(runner, "--session", "tilburg", "--format", "csv", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Geschreven: {target}" in result.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    p = dataset.p
    assert [int(row["voorstel_id"]) for row in rows] == [p["P1"], p["P2"], p["P3"], p["P6"], p["P7"]]
    assert {row["sessie"] for row in rows} == {"tilburg"}


def test_the_csv_on_stdout_is_formula_safe(runner, dataset):
    result = synthesis(runner, "--session", "zwolle", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff")), delimiter=";"))
    (hostile,) = [row for row in rows if int(row["voorstel_id"]) == dataset.p["P10"]]
    assert hostile["titel"] == "'" + FORMULA and hostile["klein_doen"] == "'@SUM(1+1)"
    assert all(not value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())


def test_suggest_gives_the_automatic_grouping(runner, dataset):
    p = dataset.p
    result = synthesis(runner, "--all", "--suggest")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scope"]["grouping"] == "suggested"
    assert all(not g["confirmed"] for g in data["groups"])
    assert sorted(json_member_ids(json_group_of(data, p["P7"]))) == [p["P7"], p["P8"]]
    confirmed = json.loads(synthesis(runner, "--all").stdout)
    assert confirmed["scope"]["grouping"] == "confirmed"


def test_an_unknown_session_is_a_clean_error(runner, dataset, tmp_path):
    for args in (
        ["synthesis", "--session", "atlantis"],
        ["synthesis", "--session", "atlantis", "--format", "csv"],
        ["pdf", "--session", "atlantis", "-o", str(tmp_path / "x.pdf")],
    ):
        result = runner.invoke(args=["report", *args])
        assert result.exit_code == 1, (args, result.output)
        assert "Geen sessie met de naam 'atlantis'" in result.output
        assert "Traceback" not in result.output
        assert isinstance(result.exception, SystemExit)
    assert not (tmp_path / "x.pdf").exists()


def test_exactly_one_of_session_and_all(runner, dataset, tmp_path):
    for command in (["synthesis"], ["pdf", "-o", str(tmp_path / "x.pdf")]):
        for scope in ([], ["--all", "--session", "tilburg"]):
            result = runner.invoke(args=["report", *command, *scope])
            assert result.exit_code == 2, (command, scope, result.output)
            assert "Kies precies één van --session SLUG en --all." in result.output
            assert "Traceback" not in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_an_output_file_that_cannot_be_written_is_a_clean_error(runner, dataset, tmp_path):
    result = synthesis(runner, "--all", "-o", str(tmp_path / "bestaat-niet" / "plan.json"))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "bestaat-niet" in result.output


def test_a_bad_format_is_a_usage_error(runner, dataset):
    result = synthesis(runner, "--all", "--format", "xlsx")
    assert result.exit_code == 2 and "xlsx" in result.output


def test_the_pdf_command_needs_an_output_file(runner, dataset):
    result = runner.invoke(args=["report", "pdf", "--all"])
    assert result.exit_code == 2 and "--output" in result.output
