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
from functools import cache
from pathlib import Path

from cachetools import LRUCache
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdError, JsonLdProcessor

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT_FOLDER = Path(__file__).with_name("contexts")
PACKAGE_CONTEXTS = {VC_CONTEXT: CONTEXT_FOLDER / "credentials-v2.jsonld",
                    OB_CONTEXT: CONTEXT_FOLDER / "ob-v3p0-context-3.0.3.json"}
# RDFC-1.0 §4.4 asks implementations to bound the N-degree hashing against poison graphs; an
# issued credential needs none (its blank nodes all hash apart in the first degree).
MAX_N_DEGREE_CALLS = 200
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


def canonical_nquads(document: dict, loader: DocumentLoader = PACKAGE_LOADER) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD ``document`` (safe mode, no network)."""
    dropped: list[str] = []
    processor = JsonLdProcessor(on_property_dropped=dropped.append)
    options = {"base": None, "documentLoader": loader,
               "contextResolver": ContextResolver(loader.resolved, loader)}
    try:
        expanded = processor.expand(document, options)
        if dropped:
            raise LinkedDataError(f"{dropped[0]!r} is defined by no context")
        _require_absolute(expanded)
        dataset = processor.to_rdf(expanded, options)
        return _BoundedCanonicalization().main(dataset, {"format": "application/n-quads"})
    except (JsonLdError, RecursionError, TypeError, KeyError) as error:
        raise LinkedDataError(str(error)) from None
