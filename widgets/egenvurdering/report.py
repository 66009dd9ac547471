"""Renderings of the self-assessment for the book chapter: the instrument, its rules and a worked example.

The chapter reads the same YAML through this package. Group reports (CSV, Excel) are in
:mod:`widgets.egenvurdering.export`.
"""
from __future__ import annotations

from fellesregler.sprak import N_, oversetter

from .._common import esc, tall
from .instrument import ROOT, Instrument
from .scoring import DimensionScore, score

__all__ = [
    "chapter_title",
    "instrument_html",
    "privacy_html",
    "rules_html",
    "scoring_example",
    "scoring_example_html",
]

_ = oversetter("egenvurdering")

KIND_LABEL = {"kjennetegn": N_("Kjennetegn"), "prinsipp": N_("Prinsipp")}


# --------------------------------------------------------------------------- book helpers


def _fmt(x: float | None, decimals: int = 1) -> str:
    if x is None:
        return "–"
    return tall(x, 0) if float(x).is_integer() else tall(x, decimals)


def chapter_title(label: str) -> str:
    """The title of chapters/<label>.md (its first '# ' heading), or the label itself."""
    path = ROOT / "chapters" / f"{label}.md"
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    except OSError:
        pass
    return label


def instrument_html(instrument: Instrument, link_suffix: str = ".html") -> str:
    """All dimensions and items as one accessible HTML table; reverse items are marked in words.

    ``link_suffix`` builds a link to the chapter of each dimension (``<label>.html`` next to this page);
    pass ``None`` for no links.
    """
    rows = []
    for d in instrument.dimensions:
        chapter = esc(d.chapter)
        title = esc(chapter_title(d.chapter))
        link = f'<a href="{chapter}{esc(link_suffix)}">{title}</a>' if link_suffix is not None else title
        span = len(d.items)
        for n, item in enumerate(d.items):
            head = ""
            if n == 0:
                head = (
                    f'<th scope="rowgroup" rowspan="{span}">{esc(d.id)} {esc(_(d.name))}'
                    f'<br><small>{esc(_(KIND_LABEL.get(d.kind, d.kind)))}. {esc(_(d.text))}</small></th>'
                    f'<td rowspan="{span}">{link}</td>'
                )
            mark = _("Ja (omvendt)") if item.reverse else _("Nei")
            rows.append(
                f"<tr>{head}<td>{esc(item.id)}</td><td>{esc(_(item.text))}</td><td>{mark}</td></tr>"
            )
    caption = _("Egenvurderingen: {dimensions} dimensjoner og {items} påstander ({status}). «Omvendt» betyr "
                "at det er bra å være uenig.").format(dimensions=len(instrument.dimensions),
                                                      items=len(instrument.items), status=esc(_(instrument.status)))
    cols = (_("Dimensjon"), _("Kapittel"), _("Nr."), _("Påstand om arbeidsplassen"), _("Omvendt?"))
    return (
        f'<table class="table kurs-egenvurdering"><caption>{caption}</caption><thead><tr>'
        + "".join(f'<th scope="col">{c}</th>' for c in cols)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def rules_html(instrument: Instrument) -> str:
    """The answer scale and the bands as two small HTML tables."""
    scale = "".join(f"<tr><td>{v}</td><td>{esc(_(label))}</td></tr>" for v, label in sorted(instrument.scale.items()))
    scale += "<tr><td>–</td><td>" + _("{dont_know} (telles ikke med)").format(
        dont_know=esc(_(instrument.dont_know))) + "</td></tr>"
    bands = "".join(
        f"<tr><td>{esc(b.label)}</td><td>{esc(_(b.name))}</td></tr>" for b in instrument.bands
    )
    return (
        '<table class="table kurs-egenvurdering"><caption>' + _("Svarskalaen") + "</caption>"
        '<thead><tr><th scope="col">' + _("Verdi") + '</th><th scope="col">' + _("Svar") + "</th></tr></thead>"
        f"<tbody>{scale}</tbody></table>"
        '<table class="table kurs-egenvurdering"><caption>' + _("Nivåene for indeksen (0–100)") + "</caption>"
        '<thead><tr><th scope="col">' + _("Indeks") + '</th><th scope="col">' + _("Nivå") + "</th></tr></thead>"
        f"<tbody>{bands}</tbody></table>"
    )


def scoring_example(instrument: Instrument, dimension: str | None = None) -> tuple[dict, DimensionScore]:
    """A worked example for one dimension: one item agreed with, one «vet ikke», one reverse item disagreed with."""
    if dimension is None:
        ids = [d.id for d in instrument.dimensions]
        dimension = "P1" if "P1" in ids else ids[0]
    dim = instrument.dimension(dimension)
    positive = [i for i in dim.items if not i.reverse]
    reverse = [i for i in dim.items if i.reverse]
    answers: dict[str, int | None] = {i.id: None for i in dim.items}
    answers[positive[0].id] = 4
    answers[reverse[0].id] = 2
    result = next(s for s in score(instrument, answers) if s.dimension == dim.id)
    return answers, result


def scoring_example_html(instrument: Instrument, dimension: str | None = None) -> str:
    """The worked example as an HTML table plus the calculation, all computed by score()."""
    answers, result = scoring_example(instrument, dimension)
    dim = instrument.dimension(result.dimension)
    top = max(instrument.scale) + min(instrument.scale)
    rows, used = [], []
    for item in dim.items:
        v = answers[item.id]
        if v is None:
            shown, counted = esc(_(instrument.dont_know)), _("telles ikke")
        elif item.reverse:
            shown = f"{v} ({esc(_(instrument.scale[v]))})"
            counted = f"{top} − {v} = {top - v} (" + _("omvendt") + ")"
            used.append(top - v)
        else:
            shown = f"{v} ({esc(_(instrument.scale[v]))})"
            counted = str(v)
            used.append(v)
        rows.append(f"<tr><td>{esc(item.id)}</td><td>{esc(_(item.text))}</td><td>{shown}</td><td>{counted}</td></tr>")
    lo, hi = min(instrument.scale), max(instrument.scale)
    mean = f"({' + '.join(str(u) for u in used)}) / {len(used)} = {_fmt(result.mean, 2)}"
    index = f"({_fmt(result.mean, 2)} − {lo}) / {hi - lo} × 100 = {_fmt(result.index)}"
    steps = [
        _("Besvarte påstander: {answered} av {items}. Det er minst {minimum}, så dimensjonen får en verdi.").format(
            answered=result.answered, items=len(dim.items), minimum=instrument.min_answered),
        _("Gjennomsnitt: {mean}").format(mean=mean),
        _("Indeks: {index}").format(index=index),
        _("Nivå: {index} gir «{band}».").format(index=_fmt(result.index),
                                               band=esc(_(result.band) if result.band else "")),
    ]
    caption = _("Regneeksempel for {dimension}").format(dimension=f"{esc(dim.id)} {esc(_(dim.name))}")
    cols = (_("Nr."), _("Påstand"), _("Svar"), _("Verdi som brukes"))
    return (
        f'<table class="table kurs-egenvurdering"><caption>{caption}</caption><thead><tr>'
        + "".join(f'<th scope="col">{c}</th>' for c in cols)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table><ol>"
        + "".join(f"<li>{step}</li>" for step in steps) + "</ol>"
    )


def privacy_html(instrument: Instrument) -> str:
    """The privacy rules in numbers and the exact text the app shows before storing."""
    months = round(instrument.retention_days / 30.4)
    return (
        "<ul><li>"
        + _("Minste gruppe for teamvisning: {n} personer som har svart.").format(n=instrument.min_group)
        + "</li><li>"
        + _("Lagringstid: {days} dager (om lag {months} måneder).").format(days=instrument.retention_days,
                                                                           months=months)
        + "</li><li>"
        + _("En dimensjon får verdi når minst {n} påstander er besvart.").format(n=instrument.min_answered)
        + '</li></ul><div class="kurs-feedback kurs-info" role="note"><strong>'
        + _("Teksten du ser før du lagrer:") + "</strong> "
        f"{esc(_(instrument.privacy_text))}</div>"
    )
