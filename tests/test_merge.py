from generator.merge import find_links, merge, slugify, title_key
from generator.model import Entry, SourceLine


def entry(title, listing="a.txt", line=1, **kw):
    return Entry(SourceLine(listing, line), title, kw.pop("abstract", "An abstract."), **kw)


PATHS = {"a.txt": "content/listings/a.txt", "b.txt": "content/listings/b.txt"}


def test_same_title_written_differently_is_one_paper():
    variants = [
        "Don't Stop Pretraining: Adapt Language Models",
        "Don\u2019t  stop pretraining \u2014 adapt language models",
        "DON'T STOP PRETRAINING: ADAPT LANGUAGE MODELS ",
    ]
    assert len({title_key(v) for v in variants}) == 1
    papers, problems = merge([entry(variants[0], "a.txt", 1), entry(variants[1], "b.txt", 7)],
                             PATHS)
    assert len(papers) == 1
    assert papers[0].sources == (SourceLine("a.txt", 1), SourceLine("b.txt", 7))
    assert problems == []


def test_look_alike_titles_stay_apart():
    titles = ["Metric3D", "Metric3D v2",
              "Metric3D v2: A Versatile Monocular Geometric Foundation Model",
              "Understanding deep learning requires rethinking generalization",
              "Understanding deep learning (still) requires rethinking generalization"]
    papers, _ = merge([entry(t, line=i) for i, t in enumerate(titles, 1)], PATHS)
    assert [p.title for p in papers] == titles
    assert len({p.id for p in papers}) == len(titles)


def test_merging_keeps_every_known_value_and_reports_conflicts():
    import datetime
    a = entry("A Paper", "a.txt", 3, author_count=3, date=datetime.date(2024, 4, 3), upvotes=2)
    b = entry("A paper", "b.txt", 9, organization="Berkeley UC Berkeley",
              date=datetime.date(2024, 4, 4), upvotes=5)
    papers, problems = merge([a, b], PATHS)
    (paper,) = papers
    assert (paper.author_count, paper.organization, paper.upvotes) == (3, "Berkeley UC Berkeley", 5)
    assert paper.date == datetime.date(2024, 4, 3)
    assert [str(p) for p in problems] == [
        "content/listings/a.txt:3: warning: 'A Paper': listings disagree on its date "
        "(also listed at content/listings/b.txt:9); kept the first"]


def test_same_paper_twice_in_one_listing_is_reported():
    papers, problems = merge([entry("A Paper", "a.txt", 3), entry("A Paper", "a.txt", 40)], PATHS)
    assert len(papers) == 1 and len(papers[0].sources) == 2
    assert [str(p) for p in problems] == [
        "content/listings/a.txt:40: warning: 'A Paper' is listed twice in this listing "
        "(first at line 3); both entries are merged into one paper"]


def test_slugs_are_stable_and_unique():
    assert slugify("μLO: Compute-Efficient Meta-Generalization of Learned Optimizers") == \
        "lo-compute-efficient-meta-generalization-of-learned-optimizers"
    # Titles that differ only in characters a slug drops still get distinct ids,
    # whatever order they come in.
    one, _ = merge([entry("C++ Models"), entry("C Models")], PATHS)
    two, _ = merge([entry("C Models"), entry("C++ Models")], PATHS)
    assert {p.title: p.id for p in one} == {p.title: p.id for p in two}
    assert len({p.id for p in one}) == 2


def test_code_links_found_in_abstract():
    abstract = ("Code at https://github.com/Rain-Bus/MSGCoOp{https://github.com/Rain-Bus/MSGCoOp}. "
                "Data: https://huggingface.co/datasets/x/y.")
    assert find_links(abstract) == ("https://github.com/Rain-Bus/MSGCoOp",
                                    "https://huggingface.co/datasets/x/y")


def test_titles_of_punctuation_alone_stay_apart():
    papers, _ = merge([entry("???", line=1), entry("!!!", line=2), entry("???", "b.txt", 5)], PATHS)
    assert [(p.title, len(p.sources)) for p in papers] == [("???", 2), ("!!!", 1)]
