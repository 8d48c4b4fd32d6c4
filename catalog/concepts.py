"""The concept list: catalog/data/concepts.json, kept beside the taxonomy it describes.

A concept is one idea of the scenario guide written the ways people write it, in English and
in Chinese ("quality inspection", "defect detection", "质检", "缺陷检测", …). Search treats
the phrases of a concept as equivalent (search.synonyms), so whichever a reader types finds
a solution written with any other. The catalog owns the file because the concepts follow the
taxonomy's scenarios; what counts as one phrase (normalisation) is search's business and is
checked there (search.concepts).

The file holds {"about": "…", "concepts": [{"code", "scenarios", "en", "zh"}, …]}: a unique
code, the taxonomy scenarios the concept belongs to, and at least one phrase in each language
(English phrases in Latin script, every Chinese phrase with Chinese characters in it).
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .taxonomy import TAXONOMY_FILE

CONCEPTS_FILE = Path(__file__).resolve().parent / "data" / "concepts.json"
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Concept:
    code: str
    scenarios: tuple[str, ...]
    en: tuple[str, ...]
    zh: tuple[str, ...]

    @property
    def phrases(self):
        return self.en + self.zh


def load_concepts(path=CONCEPTS_FILE):
    """The concepts of the file, as written (phrases stripped of surrounding spaces)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [
        Concept(
            code=entry.get("code", ""),
            scenarios=tuple(entry.get("scenarios", ())),
            en=tuple(phrase.strip() for phrase in entry.get("en", ())),
            zh=tuple(phrase.strip() for phrase in entry.get("zh", ())),
        )
        for entry in data["concepts"]
    ]


def scenario_codes(path=TAXONOMY_FILE):
    """The codes of the taxonomy file's scenarios (the file, not the tables: the concept list
    is checked as data, before anything is loaded)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {scenario["code"] for scenario in data["scenarios"]}


def structure_problems(concepts, known_scenarios):
    """What is wrong with the entries themselves, as sentences naming the entry; [] when
    nothing is."""
    problems, seen = [], set()
    for number, concept in enumerate(concepts, start=1):
        name = f"concept {concept.code or f'#{number}'}"
        if not concept.code:
            problems.append(f"{name} has no code")
        elif concept.code in seen:
            problems.append(f"{name} appears twice")
        seen.add(concept.code)
        if not concept.en or not concept.zh:
            problems.append(f"{name} needs phrases in both English and Chinese")
        if any(not phrase for phrase in concept.phrases):
            problems.append(f"{name} has an empty phrase")
        problems += [f"{name}: English phrase {phrase!r} has Chinese characters"
                     for phrase in concept.en if _HAN.search(phrase)]
        problems += [f"{name}: Chinese phrase {phrase!r} has no Chinese characters"
                     for phrase in concept.zh if phrase and not _HAN.search(phrase)]
        if not concept.scenarios:
            problems.append(f"{name} names no scenario")
        problems += [f"{name}: no scenario {code!r} in the taxonomy"
                     for code in concept.scenarios if code not in known_scenarios]
    return problems
