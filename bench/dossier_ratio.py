"""CPU time of a territory's dossier (4 documents + bundle) against one convention: median of 60 runs each, interleaved."""
import statistics, time
import alize_docs
from alize_docs.clauses.library import ClauseLibrary
from alize_docs.domain.models import Territoire
from alize_docs.inputs.yaml import load_model, read_yaml
T = alize_docs.exemple("toulinois.yaml"); lib = ClauseLibrary()
def convention(): alize_docs.render_convention(load_model(Territoire, read_yaml(T)), lib)
def dossier(): alize_docs.render_documents(alize_docs.Dossier(T, load_model(Territoire, read_yaml(T))), lib)
for f in (convention, dossier, convention, dossier): f()
c, d = [], []
for _ in range(60):
    t = time.process_time(); convention(); c.append(time.process_time() - t)
    t = time.process_time(); dossier(); d.append(time.process_time() - t)
mc, md = statistics.median(c) * 1000, statistics.median(d) * 1000
print(f"convention {mc:.1f} ms CPU, dossier {md:.1f} ms CPU, ratio {md / mc:.2f}")
