"""`spoorzoeker profile ...` as a coach runs it: import, show, list, export, edit, delete."""

from __future__ import annotations

import json
from pathlib import Path

from profiles.catalogue import load_catalogue

PROFILE = {
    "id": "p-cli", "postcode": "2711", "max_travel_km": 20, "education_level": "vmbo",
    "driving_licences": ["B"], "hours_per_week_max": 32, "illness_start": "2025-09-15",
    "limitations": {"IV.13": {"level": 2, "value": 10, "unit": "kg",
                              "note": "tillen tot ca. 10 kg"},
                    "VI.1": {"level": 1, "conditions": ["nacht"]}},
}


def test_import_show_list_export_edit_delete(run_cli, tmp_path: Path):
    db = str(tmp_path / "store.sqlite")
    path = tmp_path / "profiel.json"
    path.write_text(json.dumps(PROFILE), encoding="utf-8")

    imported = run_cli("profile", "import", str(path), "--db", db, "--coach", "anna")
    assert imported.returncode == 0, imported.stderr
    shown = run_cli("profile", "show", "p-cli", "--db", db)
    assert shown.returncode == 0, shown.stderr
    assert "IV.13 Tillen of dragen" in shown.stdout and "niveau 2: beperkt" in shown.stdout
    assert "is niet in staat om 's nachts te werken" in shown.stdout
    listed = run_cli("profile", "list", "--db", db)
    assert listed.stdout.startswith("p-cli\tcoach: anna")
    exported = run_cli("profile", "export", "p-cli", "--db", db)
    assert json.loads(exported.stdout) == {**PROFILE, "experience": [], "skills": [],
                                           "wishes": {"titles": [], "sectors": []}}
    assert b"tillen tot ca. 10 kg" not in Path(db).read_bytes()

    # Edit: Enter keeps the person (10 answers), rubrics I-III and every IV answer (IV.13 asks
    # level, value and note), V; then rubric VI: keep 'j' and choose conditions 1 and 2 of VI.1.
    items_iv = [key for key in load_catalogue().items if key.startswith("IV.")]
    answers = [""] * 10 + ["", "", ""] + [""] + [""] * (len(items_iv) + 2) + [""] + ["", "1,2"]
    edited = run_cli("profile", "edit", "p-cli", "--db", db, stdin="\n".join(answers) + "\n" * 40)
    assert edited.returncode == 0, edited.stderr
    again = json.loads(run_cli("profile", "export", "p-cli", "--db", db).stdout)
    assert again["limitations"]["VI.1"]["conditions"] == ["avond", "nacht"]
    assert again["limitations"]["IV.13"] == PROFILE["limitations"]["IV.13"]

    assert run_cli("profile", "delete", "p-cli", "--db", db).returncode == 0
    gone = run_cli("profile", "show", "p-cli", "--db", db)
    assert gone.returncode == 2
    assert gone.stderr.strip() == "spoorzoeker: profiel 'p-cli' bestaat niet."


def test_a_bad_profile_file_is_one_line_and_exit_2(run_cli, tmp_path: Path):
    path = tmp_path / "fout.json"
    path.write_text(json.dumps({**PROFILE, "diagnose": "hernia"}), encoding="utf-8")
    result = run_cli("profile", "import", str(path), "--db", str(tmp_path / "s.sqlite"))
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"spoorzoeker: {path}: veld 'diagnose'")
    assert "Traceback" not in result.stderr
