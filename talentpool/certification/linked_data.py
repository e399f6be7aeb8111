"""JSON-LD for credentials: vendored contexts, no network, RDF Dataset Canonicalization (RDFC-1.0).

The contexts a credential may use live in ``contexts/`` (sources and licences in its README) and
are served by a document loader that never fetches: any other URL is an error. Expansion runs in
"safe mode" as the W3C Data Integrity specification asks: a property or type that no context
defines (and that JSON-LD would silently drop) is an error, not a quiet change of meaning.
Canonicalization (RDFC-1.0, the algorithm pyld calls URDNA2015) is bounded, so a crafted
"poison" graph cannot hold a worker for long. This module is pure: no Flask, no database.
"""

from __future__ import annotations

import json
import re
import threading
from functools import cache
from pathlib import Path

from cachetools import LRUCache
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdError, JsonLdProcessor, freeze

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT_FOLDER = Path(__file__).with_name("contexts")
PACKAGE_CONTEXTS = {VC_CONTEXT: CONTEXT_FOLDER / "credentials-v2.jsonld",
                    OB_CONTEXT: CONTEXT_FOLDER / "ob-v3p0-context-3.0.3.json"}
# RDFC-1.0 §4.4 asks implementations to bound the N-degree hashing against poison graphs; an
# issued credential needs none (its blank nodes all hash apart in the first degree).
MAX_N_DEGREE_CALLS = 200
_FROZEN = type(freeze({}))  # how pyld marks an active context that never changes again
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class LinkedDataError(ValueError):
    """The document cannot be canonicalized: unknown context, undefined term, relative IRI…"""


@cache
def _parsed(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


class DocumentLoader:
    """Serves the contexts of ``files`` (URL → local file) and refuses every other URL."""

    def __init__(self, files: dict[str, Path]):
        self.files = dict(files)
        self.resolved = LRUCache(maxsize=64)  # parsed and processed contexts, kept across calls
        self.scoped = LRUCache(maxsize=256)  # scoped contexts applied (see _CheckedProcessor)
        self.scoped_lock = threading.Lock()

    def __call__(self, url: str, options: dict | None = None) -> dict:
        path = self.files.get(url)
        if path is None:
            raise JsonLdError(f"context {url!r} is not one this site knows (nothing is fetched)",
                              "jsonld.LoadDocumentError", code="loading document failed")
        # "static": pyld keeps a context resolved from a URL in the shared cache only when its
        # document is tagged so; untagged, every expansion loads it again and keys the cache by
        # the JCS canonical form of the whole context, which costs more than processing it.
        return {"contextUrl": None, "documentUrl": url, "document": _parsed(path),
                "tag": "static"}


PACKAGE_LOADER = DocumentLoader(PACKAGE_CONTEXTS)


class _BoundedCanonicalization(URDNA2015):
    def __init__(self) -> None:
        super().__init__()
        self.n_degree_calls = 0

    def hash_n_degree_quads(self, id_, issuer):
        self.n_degree_calls += 1
        if self.n_degree_calls > MAX_N_DEGREE_CALLS:
            raise LinkedDataError("the graph is too complex to canonicalize")
        return super().hash_n_degree_quads(id_, issuer)


def _require_absolute(expanded: object) -> None:
    """Relative ``@id``/``@type`` IRIs would vanish from the RDF dataset: refuse them."""
    stack = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            ids = [item["@id"]] if isinstance(item.get("@id"), str) else []
            types = item.get("@type", [])
            for iri in ids + (types if isinstance(types, list) else [types]):
                if isinstance(iri, str) and not (iri.startswith("_:")
                                                 or _ABSOLUTE_IRI.match(iri)):
                    raise LinkedDataError(f"{iri!r} is not an absolute IRI")
            stack.extend(value for key, value in item.items() if key not in ("@id", "@type"))


class _CheckedProcessor(JsonLdProcessor):
    """Checks the expansion that ``to_rdf`` makes anyway, so a document is expanded once, and
    applies each type- or property-scoped context to a given active context once per loader."""

    def __init__(self, loader: DocumentLoader) -> None:
        self.dropped: list[str] = []
        self.loader = loader
        super().__init__(on_property_dropped=self.dropped.append)

    def expand(self, input_, options):
        try:
            expanded = super().expand(input_, options)
        except JsonLdError as error:
            # to_rdf would wrap it in "Could not expand input"; keep the cause's own words
            raise LinkedDataError(str(error)) from None
        if self.dropped:
            raise LinkedDataError(f"{self.dropped[0]!r} is defined by no context")
        _require_absolute(expanded)
        return expanded

    def _process_context(self, active_ctx, local_ctx, options, override_protected=False,
                         propagate=True, validate_scoped=True, cycles=None):
        # pyld caches a processed context by the active context's _uuid, but a type-scoped
        # context (propagate=False) starts from a fresh clone with a new _uuid, so each node of
        # an Open Badges credential processed its context again (about half of expansion). A
        # frozen active context never changes, so the result for the same scoped context
        # object and flags is the same; the entry keeps that object alive, so its id is unique.
        if (cycles is not None or not isinstance(active_ctx, _FROZEN)
                or "_uuid" not in active_ctx or not isinstance(local_ctx, dict)):
            return super()._process_context(active_ctx, local_ctx, options, override_protected,
                                            propagate, validate_scoped, cycles)
        key = (active_ctx["_uuid"], id(local_ctx), override_protected, propagate,
               validate_scoped, options.get("base"), options.get("processingMode"))
        with self.loader.scoped_lock:
            known = self.loader.scoped.get(key)
        if known is not None and known[0] is local_ctx:
            return known[1]
        processed = super()._process_context(active_ctx, local_ctx, options, override_protected,
                                             propagate, validate_scoped, cycles)
        with self.loader.scoped_lock:
            self.loader.scoped[key] = (local_ctx, processed)
        return processed


def canonical_nquads(document: dict, loader: DocumentLoader = PACKAGE_LOADER) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD ``document`` (safe mode, no network)."""
    options = {"base": None, "documentLoader": loader,
               "contextResolver": ContextResolver(loader.resolved, loader)}
    try:
        dataset = _CheckedProcessor(loader).to_rdf(document, options)
        return _BoundedCanonicalization().main(dataset, {"format": "application/n-quads"})
    except (JsonLdError, RecursionError, TypeError, KeyError) as error:
        raise LinkedDataError(str(error)) from None
