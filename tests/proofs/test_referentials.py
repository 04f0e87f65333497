"""The small interface to the competences app: used when present, CVs made without it."""

from passeport.proofs import cvs, referentials
from passeport.proofs.models import CV


def test_without_the_competences_app_a_cv_is_made_all_the_same(holder, certification, monkeypatch):
    monkeypatch.setattr(referentials, "_installed", lambda: False)
    assert referentials.fiche("RNCP35340") is None
    assert referentials.cv_competences(holder, [certification]) == []
    cv = CV(holder=holder, title="t", entry_ids=[str(certification.pk)])
    content = cvs.content(cv)
    assert [s.key for s in content.sections] == ["certifications"]


def test_a_broken_neighbour_falls_back_to_nothing(holder, certification, monkeypatch):
    def broken(name):
        raise RuntimeError("schéma changé")

    monkeypatch.setattr(referentials, "import_module", broken)
    monkeypatch.setattr(referentials, "_installed", lambda: True)
    # No profile from the app: the blocs of the referential (none loaded here) are used.
    assert referentials.cv_competences(holder, [certification]) == []


def test_with_the_competences_app_the_cv_lists_deduced_competences(holder, certification):
    from passeport.competences import demo

    demo.load_referentials()  # the demo ROME/RNCP release, which has RNCP35340's fiche
    from passeport.competences import profiles

    profiles.forget()
    fiche = referentials.fiche("RNCP35340")
    assert fiche is not None and fiche.blocs
    lines = referentials.cv_competences(holder, [certification])
    assert lines, "the BTS SIO's competences are deduced"
    assert all(line.source == certification.title for line in lines)
    assert len(lines) <= referentials.MAX_CV_COMPETENCES
    # Not shown on the CV: its competences are not listed either.
    assert referentials.cv_competences(holder, []) == []
