"""Jinja for documents, made safe: one sandboxed environment and one set of variables for
the check and the build. While loading, every page is rendered once: that finds template
errors before anything is published, fills in the text the section maps read, and notes
which facts still to confirm each page prints. The site build renders every page (and its
title) with the same environment and the same variables (handbook/mkdocs_hooks.py), so a
page can use the home's facts, the edition and the page functions, and nothing else: not
MkDocs' configuration, not the page object, not git, not the environment.

A template also has limits: numbers and text it builds have a size limit (so `99**999999999`
or a string doubled in a loop is refused at once), it may make only so much text, and it
gets a time budget."""

from __future__ import annotations

import datetime as dt
import re
import signal
import string
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache, wraps

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context, LoopContext, Macro, Namespace
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Cycler, Joiner

from handbook.model.documents import Document
from handbook.model.findings import Finding, error
from handbook.model.handbook import Handbook
from handbook.model.home import Facts, NotPublished, Placeholder, note_printed, printing
from handbook.model.registry import SECTION_MAPS

# What one page's template may do. Generous for any real page; far below what would hurt.
MAX_TEXT = 5_000_000       # characters a page's template may make, and the largest text or list it may build
MAX_NUMBER_BITS = 4_096    # the largest whole number (about 1,200 digits)
MAX_ARGUMENT = 100_000     # the largest whole number given to a function or a filter (a width, a count)
MAX_ITEMS = 100_000        # items all the range() calls of one page may make together
# A document with at most this many {{ expressions }} and no other template syntax is made the
# quick way (PageRenderer._expressions): the real Statement of Purpose has 35. Compiled alone,
# each expression costs more than in a whole page, so a page of thousands is rendered whole.
QUICK_EXPRESSIONS = 100
MAX_SECONDS = 2.0          # time a page's template may take (the handbook's own page functions not counted)


class HandbookUndefined(jinja2.StrictUndefined):
    """Any use of a name that does not exist is an error, worded for the page's author."""

    @property
    def _undefined_message(self) -> str:
        owner = self._undefined_obj
        if isinstance(owner, Facts):
            return f"'{owner.where}.{self._undefined_name}' is not in data/home.yml"
        return super()._undefined_message


class TemplateLimit(jinja2.TemplateError):
    """A template asked for more than a page may have: too large, too long, too slow."""


class PageRuleBroken(jinja2.TemplateError):
    """A page's template breaks a rule of what a page may do, at `lineno` of its text (when known)."""

    def __init__(self, message: str, lineno: int | None = None):
        super().__init__(message)
        self.lineno = lineno


class EditionAsked(PageRuleBroken):
    """A document asked which edition it is in beyond whether it is the public website."""


class DocumentEdition:
    """The edition as a governed document sees it. A document may ask only whether it is on the
    public website (`edition == "public"`, `edition != "public"`), to leave out what the home
    keeps off the website: staff and inspectors must read the same words, so any other use (a
    comparison with "inspector" or "staff", printing it, a filter) is refused. The site's own
    pages in docs/ see the edition's name."""

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, name: str):
        self._public = name == "public"

    def __eq__(self, other) -> bool:
        if not (isinstance(other, str) and other == "public"):
            raise EditionAsked(f"edition compared with {other!r}")
        return self._public

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __str__(self) -> str:
        raise EditionAsked("edition printed")


# How a page may ask for the edition: only to leave a passage out. A document may leave a passage
# off the public website; a page of docs/ may also keep one for staff alone (the status links).
DOCUMENT_LEAVES_OUT = frozenset({("ne", "public")})
SITE_PAGE_LEAVES_OUT = frozenset({("ne", "public"), ("eq", "staff")})


def only_leaves_out(tree: jinja2.nodes.Template, ways: frozenset) -> None:
    """Raise EditionAsked unless a page's every use of the edition is one of `ways` of leaving a
    passage out: {% if edition != "public" %} ... {% endif %} (and, for a site page, {% if
    edition == "staff" %} ... {% endif %}), with no {% else %} or {% elif %}. Every edition is the
    staff edition with passages left out, never more: a passage shown to inspectors or on the
    website only (`edition == "public"`, `edition == "inspector"`, an {% else %}, `not`) would be
    read by neither staff nor the reviewer of the change."""
    allowed = set()
    for block in tree.find_all(jinja2.nodes.If):
        test = block.test
        if isinstance(test, jinja2.nodes.Compare) and _leaves_out(test, ways):
            if block.else_ or block.elif_:
                raise EditionAsked("an {% else %} or {% elif %} after it would show a passage to another edition only",
                                   block.lineno)
            allowed.add(id(test.expr))
    asked = next((name for name in tree.find_all(jinja2.nodes.Name) if name.name == "edition" and id(name) not in allowed),
                 None)
    if asked is not None:
        raise EditionAsked("a passage shown to inspectors or on the public website only, or the edition used any "
                           "other way", asked.lineno)


class TemplateShape(PageRuleBroken):
    """A page's template does more than print facts, call a page function and leave passages out."""


# What a page's template may do: print (a fact, a page function's part of a site page) and leave a
# passage out of an edition (only_leaves_out). Nothing in it chooses between texts: a {% set %} in
# a passage only the staff edition keeps, tested after it (`is defined`), or a test on a fact the
# website withholds (`home.address is string`), would show the website or the inspectors words the
# staff edition and the reviewer's summary never have; so would a page function asked in a test
# (the checks stand in for page functions: `{% if topics() %}101{% else %}999{% endif %}` reads
# 999 to them and 101 on the built home page).
_CHOICES = (jinja2.nodes.CondExpr, jinja2.nodes.Test, jinja2.nodes.Compare, jinja2.nodes.And, jinja2.nodes.Or,
            jinja2.nodes.Not)
# ... nor does a filter, a call, an index or a sum, which choose too: a fact the website withholds
# prints there as its placeholder, so `home.address | replace(...)` (or `.replace(...)`, or a
# dictionary looked up by the fact) would read one way on the website and another for staff.
# An expression is a name, its attributes and quoted text; a page function is called alone.
_PRINTS = (jinja2.nodes.Name, jinja2.nodes.Getattr, jinja2.nodes.Const)
_NO_DIGIT = re.compile(r"\D*").fullmatch  # any digit Unicode knows: a phone reads "٠٨٠٠" as 0800
_BLOCK_NAMES = {"For": "for", "Assign": "set", "AssignBlock": "set", "Macro": "macro", "CallBlock": "call",
                "FilterBlock": "filter", "With": "with", "If": "if", "Include": "include", "Import": "import",
                "FromImport": "from", "ExprStmt": "do", "Scope": "scope", "Block": "block", "Extends": "extends"}


CHOOSES = "an expression that chooses between texts (if, is, a comparison, and, or, not)"


def only_prints_and_leaves_out(tree: jinja2.nodes.Template, ways: frozenset, page_functions: Sequence[str] = ()) -> None:
    """Raise TemplateShape unless every {% %} of the page is an {% if %} of `ways` (an edition
    test that leaves a passage out) and every {{ }} prints without choosing: no {% set %}, {% for %}
    or other block, no `if`, `is`, comparison, `and`, `or` or `not`, filter, call, index or sum in an
    expression, and a page function only called alone, {{ topics() }}."""
    def expression(node: jinja2.nodes.Node) -> None:
        if isinstance(node, _CHOICES) or next(node.find_all(_CHOICES), None) is not None:
            raise TemplateShape(CHOOSES, node.lineno)
        called = node.node if isinstance(node, jinja2.nodes.Call) and not (
            node.args or node.kwargs or node.dyn_args or node.dyn_kwargs) else None
        for name in node.find_all(jinja2.nodes.Name):
            if name.name in page_functions and name is not called:
                raise TemplateShape(f"the page function {name.name} used other than alone, as {{{{ {name.name}() }}}}",
                                    name.lineno)
        if called is None and not all(isinstance(part, _PRINTS) for part in (node, *node.find_all(jinja2.nodes.Node))):
            raise TemplateShape("an expression that does more than print a fact (a filter, a call, an index or a sum)",
                                node.lineno)
        for const in (node, *node.find_all(jinja2.nodes.Const)):
            if isinstance(const, jinja2.nodes.Const) and not (isinstance(const.value, str) and _NO_DIGIT(
                    unicodedata.normalize("NFKC", const.value))):  # as the typed phone numbers check folds "⓪" to 0
                # The checks read a page's own words for typed phone numbers, not what quoted text prints.
                raise TemplateShape("a number, or quoted text holding a digit (a number belongs in the page's own "
                                    "words, where the checks read it, and a phone number in its fact)", node.lineno)

    def statements(body: list) -> None:
        for node in body:
            if isinstance(node, jinja2.nodes.Output):
                for child in node.nodes:
                    if not isinstance(child, jinja2.nodes.TemplateData):
                        expression(child)
            elif isinstance(node, jinja2.nodes.If) and _leaves_out(node.test, ways) and not (node.else_ or node.elif_):
                statements(node.body)
            else:
                raise TemplateShape(f"a {{% {_BLOCK_NAMES.get(type(node).__name__, type(node).__name__.lower())} %}} "
                                    "block", node.lineno)

    statements(tree.body)


def _leaves_out(test: jinja2.nodes.Node, ways: frozenset) -> bool:
    return (isinstance(test, jinja2.nodes.Compare) and isinstance(test.expr, jinja2.nodes.Name)
            and test.expr.name == "edition" and len(test.ops) == 1 and isinstance(test.ops[0].expr, jinja2.nodes.Const)
            and (test.ops[0].op, test.ops[0].expr.value) in ways)


# {{ home.contacts.lado.phone }}: one fact, printed as it is.
PLAIN_FACT = re.compile(r"\{\{-?[ \t\n]*[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*[ \t\n]*-?\}\}")


def asks_more_than_facts(text: str) -> bool:
    """Whether a page's Jinja holds anything but plain {{ facts }} (and {# comments #}): a block,
    a test, a filter, a call (the structure is then read whole, by only_prints_and_leaves_out)."""
    return any(not PLAIN_FACT.fullmatch(text, start, end) and not text.startswith("{#", start)
               for start, end in page_jinja_spans(text))


def check_template_rules(environment: jinja2.Environment, text: str, document: bool) -> None:
    """The rules of what a page's template may do, for a governed `document` or a site page: raise
    EditionAsked or TemplateShape if it breaks one. The page is parsed once, and only when its Jinja
    asks for the edition or for more than facts; the check and the build call this alike."""
    asks_more = asks_more_than_facts(text)
    if "edition" not in text and not asks_more:
        return
    tree = environment.parse(text)
    ways = DOCUMENT_LEAVES_OUT if document else SITE_PAGE_LEAVES_OUT
    if "edition" in text:
        only_leaves_out(tree, ways)
    if asks_more:
        only_prints_and_leaves_out(tree, ways, () if document else PAGE_FUNCTIONS)


# --- the budget of the page being rendered ----------------------------------------

class _Budget:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.items = MAX_ITEMS
        self.trusted = 0          # characters made by the handbook's own page functions (not counted)
        self.alarm = False        # a timer signal interrupts the template when time runs out
        self.finished = False     # the render is over: a late timer signal does nothing

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit(f"it took longer than {self.seconds:g} seconds")

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The clock stops while the handbook's own code runs (a page function)."""
        remaining = signal.setitimer(signal.ITIMER_REAL, 0)[0] if self.alarm else 0.0
        started = time.monotonic()
        try:
            yield
        finally:
            self.deadline += time.monotonic() - started
            if self.alarm:
                signal.setitimer(signal.ITIMER_REAL, max(remaining, 0.001))


_budget: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)


# Python drops an exception raised where it cannot go anywhere (in a garbage-collector
# callback or a __del__ method): when the timer signal lands there, it comes again this soon.
RETRY_SECONDS = 0.05


def _out_of_time(signum, frame):
    budget = _budget.get()
    if budget is None or budget.finished:
        return
    signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)
    raise TemplateLimit(f"it took longer than {budget.seconds:g} seconds")


@contextmanager
def _budgeted(seconds: float) -> Iterator[_Budget]:
    """A budget for one render. In the main thread a timer signal stops a template that runs
    too long wherever it is; elsewhere the time is checked as the template makes its text."""
    budget = _Budget(seconds)
    token = _budget.set(budget)
    previous = None
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        previous = signal.signal(signal.SIGALRM, _out_of_time)
        budget.alarm = True
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield budget
    finally:
        budget.finished = True
        if budget.alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        _budget.reset(token)


def _size(value, limit: int = MAX_TEXT) -> int:
    """About how many characters `value` prints as; stops counting past `limit` (so a list
    that holds itself many times over is measured in bounded time)."""
    total = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, dict):
            total += 2 + len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + len(item)
            stack.extend(item)
        elif isinstance(item, Placeholder):
            total += len(item.description) + 16
        else:
            total += 16
    return total


def _refuse_if_large(value, what: str = "the text it makes"):
    if _size(value) > MAX_TEXT:
        raise TemplateLimit(f"{what} would be longer than {MAX_TEXT:,} characters")
    return value


def _check_arguments(args, kwargs) -> None:
    for value in [*args, *kwargs.values()]:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARGUMENT:
            raise TemplateLimit(f"the number {value} is larger than a page needs (at most {MAX_ARGUMENT:,})")
        if isinstance(value, list | tuple | dict | str) and _size(value) > MAX_TEXT:
            raise TemplateLimit(f"a value would be longer than {MAX_TEXT:,} characters")


_FORMAT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_percent_format(text: str) -> None:
    for match in _FORMAT_SPEC.finditer(text):
        for width in match.groups():
            if width == "*" or (width and int(width) > 1_000):
                raise TemplateLimit(f"the format {match.group(0)!r} asks for more than a page needs")


def _guarded_filter(function: Callable) -> Callable:
    """A filter that refuses huge numbers and values, and whose result has a size limit."""

    @wraps(function)
    def guarded(*args, **kwargs):
        values = [a for a in args if not isinstance(a, jinja2.Environment | jinja2.nodes.EvalContext | Context)]
        _check_arguments(values[1:], kwargs)
        if values and _size(values[0]) > MAX_TEXT:
            raise TemplateLimit(f"a value would be longer than {MAX_TEXT:,} characters")
        if function.__name__ == "do_format" and values and isinstance(values[0], str):
            _check_percent_format(values[0])
        return _refuse_if_large(function(*args, **kwargs))

    return guarded


def _budgeted_range(*args: int) -> range:
    budget = _budget.get()
    items = range(*args)
    if budget is not None:
        budget.items -= len(items)
        if budget.items < 0:
            raise TemplateLimit(f"its loops would go round more than {MAX_ITEMS:,} times")
    return items


def _trusted(function: Callable) -> Callable:
    """One of the handbook's own page functions: its time and its text are not the template's."""

    @wraps(function)
    def call(*args, **kwargs):
        budget = _budget.get()
        if budget is None:
            return function(*args, **kwargs)
        with budget.paused():
            result = function(*args, **kwargs)
        budget.trusted += len(result) if isinstance(result, str) else 0
        return _Trusted(result) if isinstance(result, str) else result

    return call


class _Trusted(str):
    """Text made by the handbook's own code: printed without counting against the page."""


class _Generator(CodeGenerator):
    """Jinja's code generator, with `a ~ b` built by the environment (so its size is checked)."""

    def visit_Concat(self, node, frame) -> None:
        self.write("environment.checked_concat((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class HandbookSandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, narrowed to what documents need: attributes of plain values and of
    the home's facts only (never of modules, MkDocs objects or files), and calls only to the
    handbook's own page functions and to methods of plain values such as text. Sizes, loops
    and time are limited (see the top of this module)."""

    SAFE_VALUES = (Facts, Placeholder, str, int, float, bool, list, tuple, dict, dt.date, type(None),
                   LoopContext, Namespace, Cycler, Joiner)  # and Jinja's own loop helpers
    intercepted_binops = frozenset({"**", "*", "+", "%", "//"})
    code_generator_class = _Generator

    def __init__(self, *args, functions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.functions = list(functions)
        # A page prints the same text every time it is rendered: the check reads what the build
        # publishes. So no `random` filter and no `lipsum` (random text).
        self.filters = {name: _guarded_filter(f) for name, f in self.filters.items() if name != "random"}
        self.globals.pop("lipsum", None)
        self.globals["range"] = _budgeted_range

    # Compiled pages, by their text: every sandbox is made alike (sandboxed_environment), so the code
    # Jinja makes for a text is the same in each. A provider's policy is rendered once per home.
    _compiled: dict = {}
    COMPILED_KEPT = 4096

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        if raw or not isinstance(source, str):
            return super().compile(source, name, filename, raw, defer_init)
        key = (source, name, filename, defer_init)
        code = self._compiled.get(key)
        if code is None:
            code = super().compile(source, name, filename, raw, defer_init)
            if len(self._compiled) >= self.COMPILED_KEPT:
                self._compiled.clear()
            self._compiled[key] = code
        return code

    def is_safe_attribute(self, obj, attr, value) -> bool:
        return isinstance(obj, self.SAFE_VALUES) and super().is_safe_attribute(obj, attr, value)

    def get_template(self, *args, **kwargs):
        """A page holds no other template: {% include %}, {% import %} and {% extends %} are refused
        (PageRenderer.render names the block and its line), not a loader missing."""
        raise TemplateShape("a {% include %}, {% import %} or {% extends %} block")

    select_template = get_or_select_template = get_template

    def is_safe_callable(self, obj) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if any(obj is function for function in self.functions) or any(obj is g for g in self.globals.values()):
            return True  # the page functions, and Jinja's own: range, dict, lipsum, cycler, joiner, namespace
        if isinstance(obj, Macro):
            return True  # a {% macro %} the page defines itself
        owner = getattr(_unwrapped(obj), "__self__", None)  # str.format comes wrapped by the sandbox
        return owner is not None and isinstance(owner, self.SAFE_VALUES) and not isinstance(owner, type)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        if __obj is not _budgeted_range and not any(__obj is function for function in __self.functions):
            _check_arguments(args, kwargs)
            _check_method_result(_unwrapped(__obj), args, kwargs)
        return _refuse_if_large(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context, operator_name: str, left, right):
        if operator_name == "**" and _is_number(left) and _is_number(right):
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0 and \
                    max(abs(left).bit_length() - 1, 1) * right > MAX_NUMBER_BITS:
                raise TemplateLimit(f"{left} ** {right} is a number too large for a page")
            if isinstance(right, int | float) and abs(right) > MAX_ARGUMENT:
                raise TemplateLimit(f"{left} ** {right} is a number too large for a page")
        if operator_name == "*":
            _check_product(left, right)
        if operator_name == "%" and isinstance(left, str):
            _check_percent_format(left)
        result = self.binop_table[operator_name](left, right)
        if isinstance(result, int) and not isinstance(result, bool) and result.bit_length() > MAX_NUMBER_BITS:
            raise TemplateLimit("the result is a number too large for a page")
        return _refuse_if_large(result, "the value")

    def checked_concat(self, parts) -> str:
        total = 0
        for part in parts:
            total += _size(part)
            if total > MAX_TEXT:
                raise TemplateLimit(f"the text it joins would be longer than {MAX_TEXT:,} characters")
        return "".join(str(part) for part in parts)

    def concat(self, parts) -> str:  # blocks and macros join their text here
        return self.checked_concat(list(parts))


def _unwrapped(function):
    return getattr(function, "__wrapped__", function)


def _check_method_result(method, args, kwargs) -> None:
    """Refuse a method of text that would make text too large, before it makes it: a text
    method's result is at most about its text times its largest argument (replace, center,
    expandtabs) plus its arguments (join)."""
    text = getattr(method, "__self__", None)
    if not isinstance(text, str):
        return
    if getattr(method, "__name__", "") in ("format", "format_map"):
        _check_brace_format(text)
    sizes = [value if isinstance(value, int) and not isinstance(value, bool) else _size(value)
             for value in [*args, *kwargs.values()]]
    if len(text) * (1 + max(sizes, default=0)) + sum(sizes) > MAX_TEXT:
        raise TemplateLimit(f"the text it makes would be longer than {MAX_TEXT:,} characters")


def _check_brace_format(text: str) -> None:
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return  # Python says what is wrong with it when it is used
    for _, _, spec, _ in fields:
        if spec and any(int(number) > 1_000 for number in re.findall(r"[0-9]+", spec)):
            raise TemplateLimit(f"the format {{:{spec}}} asks for more than a page needs")


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_product(left, right) -> None:
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, str | list | tuple) and isinstance(times, int):
            if len(sequence) * max(times, 0) > MAX_TEXT:
                raise TemplateLimit(f"repeating a value {times} times would be longer than {MAX_TEXT:,} characters")
    if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_NUMBER_BITS:
        raise TemplateLimit("the result is a number too large for a page")


# What a {{ }} may print: one fact (text, a phone number, a number, a fact still to confirm or kept
# off the website). A group of facts prints as Python writes it, with each fact still to confirm
# in it unseen by the checks that count them (and a method as its memory address).
_ONE_FACT = (str, int, float, Placeholder, NotPublished)


def _finalize(value):
    """Every {{ value }} a page prints passes here first: one fact, and nothing too large."""
    if isinstance(value, _Trusted | jinja2.Undefined | DocumentEdition):  # the last two say what is wrong, printed
        return value
    if isinstance(value, bool):  # what a comparison, a test, and, or or not gives
        raise TemplateShape(CHOOSES)
    if not isinstance(value, _ONE_FACT):
        raise TemplateShape("an expression that prints a group of facts, or something that is not a fact, such as "
                            "{{ home.registered_provider }} for {{ home.registered_provider.name }}")
    return _refuse_if_large(value)


def sandboxed_environment(functions=()) -> jinja2.Environment:
    """No attribute starting with an underscore, no calls into Python internals, no
    changing data, no file loader: text in a policy cannot run code on the build machine."""
    return HandbookSandbox(undefined=HandbookUndefined, functions=functions, finalize=_finalize)


# --- the variables every page sees --------------------------------------------------

# The handbook's page functions, such as {{ review_schedule() }} on docs/review-schedule.md.
# The views provide them to the site build (handbook.views.site_pages.page_functions); while
# loading, each is stood in for, so a check stays quick and still catches a misspelt call.
PAGE_FUNCTIONS = ("status_report", "regulation_map", "review_schedule", "topics")


def _not_run(*args, **kwargs) -> str:
    return ""


class PageRenderer:
    """The one way a page's text is rendered, at check time and at build time: the same
    sandbox, the same variables, the same limits. A governed document reads the home's facts and
    the edition, nothing else: not its own front matter, whose every field may change with no
    sentence of the text changing (`{% if changes | length < 7 %}` would drop a step once a
    review is recorded, unseen by the review of the change that recorded it). A site page reads
    its own front matter, the facts, the edition and the page functions. Only the page functions differ: the
    check stands in for them, the build runs them. They are the site's own pages' (docs/): a
    governed document never has them, so no document can pull the staff status page, the law
    still to verify or the list of every document into its text (and into the public website)."""

    def __init__(self, handbook: Handbook, functions: dict[str, Callable[..., str]] | None = None):
        given = functions if functions is not None else {name: _not_run for name in PAGE_FUNCTIONS}
        self.functions = {name: _trusted(function) for name, function in given.items()}
        self.environment = sandboxed_environment(functions=self.functions.values())
        self.document_variables = {"home": handbook.home.facts, "edition": DocumentEdition(handbook.edition)}
        self.variables = {"home": handbook.home.facts, "edition": handbook.edition, **self.functions}
        # A {{ fact }} such as {{ home.contacts.lado.phone }} reads only the home's facts, which
        # a page's front matter cannot change: it is rendered once per renderer, not once per page.
        self._facts_printed: dict[str, tuple[str, set]] = {}

    def render(self, text: str, meta: dict | None = None, seconds: float = MAX_SECONDS, document: bool = False) -> str:
        """The rendered text (of a governed document when `document`, else of a site page);
        raises the problem (a Jinja error, a SecurityError or a TemplateLimit) if it does not render."""
        try:
            rendered = self._render(text, meta, seconds, document)
        except TemplateShape as asked:
            if asked.lineno is None:  # found while rendering (another template asked for, a comparison printed):
                # the rules name what it is and its line
                check_template_rules(self.environment, text, document)
            raise
        check_template_rules(self.environment, text, document)
        return rendered

    def _render(self, text: str, meta: dict | None, seconds: float, document: bool) -> str:
        variables = dict(self.document_variables) if document else {**(meta or {}), **self.variables}
        if document and (spans := expressions_only(text)) is not None and len(spans) <= QUICK_EXPRESSIONS:
            with _budgeted(seconds) as budget:
                quick = self._expressions(text, spans, variables, budget)
            if quick is not None:
                return quick
        with _budgeted(seconds) as budget:  # a budget of its own, as if the quick way had not been tried
            made: list[str] = []
            length = 0
            template = self.environment.from_string(text)
            for chunk in template.generate(variables):
                made.append(chunk)
                length += len(chunk)
                if length - budget.trusted > MAX_TEXT:
                    raise TemplateLimit(f"the page it makes would be longer than {MAX_TEXT:,} characters")
                budget.check_time()
            return "".join(made)

    def _expressions(self, text: str, spans: Sequence[tuple[int, int]], variables: dict,
                     budget: _Budget) -> str | None:
        """A document whose only Jinja is {{ expressions }}, made as Jinja would make it: its
        text, each expression rendered alone (compiled once per distinct expression, not once
        per page) and one line break fewer at the end. None if any expression does not render:
        the whole page is then rendered, so the problem is reported on its own line."""
        made: list[str] = []
        position = length = 0
        try:
            for start, end in spans:
                made += [text[position:start], self._expression(text[start:end], variables)]
                length += len(made[-2]) + len(made[-1])
                if length > MAX_TEXT:
                    return None  # too long: the whole page's render stops at the limit and says so
                budget.check_time()
                position = end
        except Exception:  # the page itself is rendered next, and says what is wrong and where
            return None
        made.append(text[position:].removesuffix("\n"))  # Jinja drops the text's last line break
        result = "".join(made)
        return result if len(result) <= MAX_TEXT else None

    def _expression(self, expression: str, variables: dict) -> str:
        """One {{ expression }} rendered alone; a fact's is kept, with the placeholders it prints."""
        fact = _FACT.match(expression)
        if fact is None or fact.group(1) not in self.document_variables:
            return self.environment.from_string(expression).render(variables)
        if expression not in self._facts_printed:
            with printing() as printed:
                rendered = self.environment.from_string(expression).render(variables)
            self._facts_printed[expression] = rendered, printed
        rendered, printed = self._facts_printed[expression]
        note_printed(printed)
        return rendered

    def attempt(self, text: str, meta: dict | None = None,
                document: bool = False) -> tuple[Exception | None, str | None]:
        """(the problem, None) or (None, the rendered text): never raises."""
        try:
            return None, self.render(text, meta, document=document)
        except RecursionError:
            return TemplateLimit("it is nested too deeply"), None
        except Exception as exc:  # reported as a finding: a page's text must never crash the checks
            return exc, None


# {{ home.contacts.lado.phone }}: a name and its attributes, nothing called, filtered or computed.
_FACT = re.compile(r"\{\{\s*([A-Za-z_]\w*)(?:\.[A-Za-z_]\w*)*\s*\}\}\Z")


def template_variables(handbook: Handbook, functions: dict[str, Callable[[], str]] | None = None) -> dict:
    """Everything a page may use in {{ ... }}, besides its own front matter: the home's facts,
    the edition and the page functions (stand-ins unless the real ones are given)."""
    return dict(PageRenderer(handbook, functions).variables)


# --- finding the Jinja in a page, in one pass -----------------------------------------

_OPENER = re.compile(r"\{[{%#]")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
_RAW_START = re.compile(r"\{%-?\s*raw\s*-?%\}")
_RAW_END = re.compile(r"\{%-?\s*endraw\s*-?%\}")
_OPENERS = ("{{", "{%", "{#")


def jinja_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each complete {{ }}, {% %}, {# #} and {% raw %}...{% endraw %} in
    `text`, left to right. One pass: an opener with no closer after it is noted once, and
    no later opener of its kind looks again (so 200 KB of unclosed {{ is still quick)."""
    spans: list[tuple[int, int]] = []
    unclosed: set[str] = set()
    position = 0
    while (found := _OPENER.search(text, position)) is not None:
        start = found.start()
        opener = found.group(0)
        if opener == "{%" and "raw" not in unclosed and (raw := _RAW_START.match(text, start)):
            end_tag = _RAW_END.search(text, raw.end())
            if end_tag is not None:
                spans.append((start, end_tag.end()))
                position = end_tag.end()
                continue
            unclosed.add("raw")
        closer = _CLOSER[opener]
        if opener not in unclosed:
            end = text.find(closer, start + 2)
            if end != -1:
                spans.append((start, end + 2))
                position = end + 2
                continue
            unclosed.add(opener)
        position = start + 1
    return spans


@lru_cache(maxsize=8192)
def page_jinja_spans(text: str) -> tuple[tuple[int, int], ...]:
    """`jinja_spans(text)`, worked out once per page text: loading renders each page and two
    checks (phone numbers, content policy) leave its Jinja out."""
    return tuple(jinja_spans(text))


def _gaps(text: str, spans: Sequence[tuple[int, int]]) -> Iterator[str]:
    position = 0
    for start, end in spans:
        yield text[position:start]
        position = end
    yield text[position:]


def _stray_opener(text: str, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether a {{, {% or {# stands between the spans, closed by none (the NUL that joins the
    gaps is part of no opener)."""
    return has_template_syntax("\0".join(_gaps(text, spans)))


def expressions_only(text: str) -> Sequence[tuple[int, int]] | None:
    """The spans of a text whose only Jinja is complete {{ expressions }} (no {% %}, {# #},
    whitespace control or stray opener, and only "\\n" line breaks, which Jinja keeps as they
    are), or None for any other text."""
    if "{%" in text or "{#" in text or "\r" in text:
        return None
    spans = page_jinja_spans(text)
    if any(text[start + 2] in "-+" or text[end - 3] in "-+" for start, end in spans):
        return None
    return None if _stray_opener(text, spans) else spans


def jinja_skeleton(text: str, spans: Sequence[tuple[int, int]] | None = None) -> str:
    """Only the Jinja in `text`, with the prose between reduced to its line breaks: it
    renders with the same errors, on the same lines, in a fraction of the time. Prose
    holding a stray opener (an unclosed {{) is kept, so Jinja still reports it."""
    spans = jinja_spans(text) if spans is None else spans
    pieces = []
    for index, gap in enumerate(_gaps(text, spans)):
        pieces.append(gap if any(o in gap for o in _OPENERS) else "\n" * gap.count("\n"))
        if index < len(spans):
            pieces.append(text[spans[index][0]:spans[index][1]])
    return "".join(pieces)


# --- rendering every page while loading ---------------------------------------------

def _pages(handbook: Handbook):
    """(path, text, first line of text in the file, page variables, document or None)."""
    for document in handbook.documents:
        if document.readable:
            yield document.path, document.body, document.body_first_line, document.meta, document
    for path, (text, first_line) in handbook.site_pages.items():
        yield path, text, first_line, {}, None


_PAGE_FUNCTION_CALL = re.compile(r"\b(?:" + "|".join(PAGE_FUNCTIONS) + r")\s*\(")


def calls_page_functions(text: str) -> bool:
    """Whether a page calls one of the page functions, and so lists the whole handbook."""
    return _PAGE_FUNCTION_CALL.search(text) is not None


def has_template_syntax(text: str) -> bool:
    """Whether Jinja would find anything to do in `text`: a {{, {% or {# anywhere."""
    return "{{" in text or "{%" in text or "{#" in text


def render_pages(handbook: Handbook) -> list[Finding]:
    """Render every page's own text in the sandbox, with stand-ins for the page functions.
    Fills in each document's `rendered` text (or its `render_problem`), rendered whole once for
    the section maps, the content policy and the build, and `handbook.printed` with the facts
    still to confirm each page prints; returns a finding per broken page."""
    renderer = PageRenderer(handbook)
    mapped_kinds = {kind for kind, _, _ in SECTION_MAPS.values()}
    seen: dict[tuple, tuple[Exception | None, set]] = {}  # the same {{ expression }} is checked once per run
    findings = []
    for path, text, first_line, meta, document in _pages(handbook):
        if not has_template_syntax(text):
            if document is not None:
                document.rendered, document.rendered_with = text, (handbook.home.facts, handbook.edition)
            continue
        problem, line = None, None
        spans = page_jinja_spans(text)
        with printing() as printed:
            if document is not None:
                document.render_problem, document.rendered = renderer.attempt(text, meta, document=True)
                document.rendered_with = (handbook.home.facts, handbook.edition)
            if document is not None and (document.kind in mapped_kinds or document.render_problem is None):
                # The section maps read this document's headings as rendered whole: its problem is the whole
                # text's. Any other page's problem is found again below, on the line that has it.
                problem = document.render_problem
            elif "{%" in text or "{#" in text or _stray_opener(text, spans):
                problem, _ = renderer.attempt(jinja_skeleton(text, spans), meta, document=document is not None)
            else:  # only complete {{ expressions }}: check each distinct one once
                for start, end in spans:
                    expression = text[start:end]
                    key = (expression, frozenset(meta), document is not None)
                    if key not in seen:
                        with printing() as by_expression:
                            outcome, _ = renderer.attempt(expression, meta, document=document is not None)
                        seen[key] = (outcome, by_expression)
                    printed |= seen[key][1]
                    if seen[key][0] is not None:
                        problem, line = seen[key][0], text.count("\n", 0, start) + 1
                        break
        if problem is None and (document is None or document.render_problem is not None):
            try:  # the whole text: the skeleton above keeps no words, so an {% else %} in it is empty
                check_template_rules(renderer.environment, text, document is not None)
            except jinja2.TemplateError as exc:
                problem = exc
        if printed:
            handbook.printed[path] = printed
        if problem is not None:
            findings.append(template_finding(path, problem, line, first_line))
    return findings


def rendered_as_given(handbook: Handbook, document: Document, text: str) -> str | None:
    """`document`'s text as loading rendered it, when `handbook`'s edition renders it with the
    same facts and edition and `text` is its body with the leading line breaks taken away (MkDocs
    gives a page's Markdown so): those line breaks are text Jinja prints as it is, unless the
    first expression strips them ({{-, {%- or {#-). None when that is not so, or the body did
    not render: render `text` itself."""
    body, rendered, made_with = document.body, document.rendered, document.rendered_with
    if rendered is None or made_with is None or made_with[0] is not handbook.home.facts \
            or made_with[1] != handbook.edition:
        return None
    if body.lstrip("\n") != text or text.startswith(("{{-", "{%-", "{#-")):
        return None
    leading = body[:len(body) - len(text)]
    return rendered[len(leading):] if rendered.startswith(leading) else None


def template_finding(path: str, exc: Exception, line: int | None = None, first_line: int = 1) -> Finding:
    """One line about a page that does not render: where, what, and what to do."""
    if isinstance(exc, (jinja2.TemplateSyntaxError, PageRuleBroken)):
        line = exc.lineno if line is None else line
    where = {"line": line + first_line - 1} if line else {}
    if isinstance(exc, EditionAsked):
        return error("template", path, f"a {{% if %}} or {{{{ }}}} uses the edition other than to leave a passage out of "
                     f"the public website ({exc}): staff and inspectors read the same words, and the website no more",
                     "write {% if edition != \"public\" %} ... {% endif %} around what the home keeps off the website, "
                     "and nothing else with edition" + (" (a page of docs/ may also keep a passage for staff alone: "
                                                        "{% if edition == \"staff\" %} ... {% endif %})"
                                                        if path.startswith("docs/") else ""), **where)
    if isinstance(exc, TemplateShape):
        return error("template", path, f"the page's template holds {exc}: a page prints the home's facts and may leave "
                     "a passage out of an edition, nothing more, so that every edition reads the same words as the "
                     "staff edition the review shows", "remove it: print facts as {{ home.name }}, and put "
                     "{% if edition != \"public\" %} ... {% endif %} around what the website leaves out", **where)
    if isinstance(exc, TemplateLimit):
        return error("template", path, f"a {{{{ }}}} or {{% %}} expression asks for more than a page may have ({exc})",
                     "remove it; documents may only show the handbook's facts, such as {{ home.name }}", **where)
    if isinstance(exc, SecurityError):
        return error("template", path,
                     f"a {{{{ }}}} expression tries to reach Python internals, which is not allowed ({exc})",
                     "remove it; documents may only use the handbook's facts, such as {{ home.name }}", **where)
    if isinstance(exc, jinja2.UndefinedError):
        return error("template", path, f"a {{{{ }}}} expression uses something that does not exist ({exc.message})",
                     "check the spelling against data/home.yml (for example {{ home.contacts.ofsted.phone }}), "
                     "or remove the braces", **where)
    if isinstance(exc, jinja2.TemplateSyntaxError) and (exc.message or "").startswith(("No filter named",
                                                                                          "No test named")):
        return error("template", path, f"a {{{{ }}}} expression uses a filter or test the handbook does not have "
                     f"({exc.message})", "remove it; documents may only show the handbook's facts, such as "
                     "{{ home.name }} (and a page prints the same every time, so there is no random filter)", **where)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return error("template", path, f"a {{{{ }}}} or {{% %}} expression is not complete ({exc.message})",
                     "close every {{ with }} and every {% with %}; to show braces as text, put them between "
                     "{% raw %} and {% endraw %}", **where)
    detail = " ".join(str(exc).split())[:200]
    return error("template", path, f"a {{{{ }}}} expression failed ({type(exc).__name__}: {detail})",
                 "check the expression's arguments, or remove it", **where)


def render_text(handbook: Handbook, document, renderer: PageRenderer | None = None) -> str:
    """A document's text with its facts filled in, for showing; the raw text if it no
    longer renders (an old version may use a fact that has since been renamed). A build
    passes the one renderer it made (`PageRenderer(handbook)`, with the stand-in page functions)."""
    problem, text = (renderer or PageRenderer(handbook)).attempt(document.body, document.meta, document=True)
    return document.body if problem is not None or text is None else text
