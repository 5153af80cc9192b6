"""Pages from one frame of a template (generator/frames.py): a frame is kept
only where each slot is printed as it is, and then makes what the template makes."""
import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import frames

SLOTS = ("title", frames.CONTENT)
ENV = jinja2.Environment(autoescape=False)


def frame_of(source: str) -> tuple[jinja2.Template, frames.Frame | None]:
    template = ENV.from_string(source)
    return template, frames.make(lambda marker: template.render(
        title=marker("title"), content=marker(frames.CONTENT)), SLOTS)


@pytest.mark.parametrize("source", [
    "<title>{{ title }} - Survey</title>{{ content }}",
    '<meta content="{{ title | e }}">{{ content }}<a href="#top">{{ title | striptags }}</a>',
    "{% if '<h1' in content %}{{ content }}{% else %}<h1>{{ title }}</h1>{% endif %}",
])
def test_a_slot_printed_as_it_is_makes_the_templates_page(source):
    template, frame = frame_of(source)
    assert frame is not None
    values = {"title": "Grokking: lazy (and rich) dynamics, 2.0?", frames.CONTENT: '<h1 id="g">G &amp; "x"</h1>'}
    assert frame.fill(values) == template.render(**values)


@pytest.mark.parametrize("source", [
    "{{ title | urlencode }}{{ content }}",  # encoded
    "{{ title | upper }}{{ content }}",  # changed
    "{{ title | truncate(12) }}{{ content }}",  # cut
    "{% if title | length > 14 %}long{% endif %}{{ title }}{{ content }}",  # measured
    "{{ title | tojson }}{{ content }}",  # escaped for a script
    "{{ title }}{{ content | e }}",  # the content escaped
    '{{ title }}{{ content }}<meta content="{{ content | striptags }}">',  # its text taken
])
def test_a_slot_the_template_does_more_with_makes_no_frame(source):
    assert frame_of(source)[1] is None


@settings(max_examples=200, deadline=None)
@given(st.from_regex(frames.PLAIN, fullmatch=True))
def test_a_kept_frame_fills_a_plain_value_as_the_template_prints_it(value):
    template, frame = frame_of("<title>{{ title }}</title>{{ title | e }}|{{ title | trim }}|"
                               "{{ title | striptags }}|{{ title | replace('  ', ' ') }}{{ content }}")
    assert frame is not None and frames.plain(value)
    values = {"title": value, frames.CONTENT: "<h1>x</h1>"}
    assert frame.fill(values) == template.render(**values)


def test_plain_values_are_words_digits_and_a_few_marks():
    assert frames.plain("Attention Is All You Need: 2.0 (v2), a/b-c?!")
    assert frames.plain("Généralisation à l'échelle") is False  # a quote
    for value in ("", " lead", "trail ", "two  spaces", "a\nb", "A & B", "<i>", 'say "x"', "a\ue000"):
        assert not frames.plain(value), value
