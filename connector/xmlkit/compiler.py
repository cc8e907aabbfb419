"""Compiling an action's Jinja XML template into a plain Python function that writes the same text.

Jinja's own code for a template resolves every name through the render context, wraps every
value in Markup and calls `el` through the sandbox: for a template that is a list of `el` calls,
that is most of what a call costs. This compiler reads the template's syntax tree (Jinja stays
the authority on the language) and writes one Python function for the subset that action
templates use: text, `el`, `{% call wrap(...) %}`, `include`, `set`, `for` and `if`, filters,
tests, comparisons, `and`/`or`/`not`, literals and subscripts. The function returns the very
text Jinja renders, so the parsed body is the same whatever the values.

What the function writes is only template text, each value escaped as `el` escapes it (or as
Jinja's autoescape does, for a value output on its own), and markup only from a value that is
markup (a filter's `__html__` result), as in Jinja. A template using anything else, or an action
whose context shadows `el` or `wrap`, is not compiled (`compile_template` returns None) and
renders through Jinja. At run time the function gives up by raising (a name the context does
not have, a subscript that is not there, a value it does not know how to write, any error): the
caller then renders through Jinja, which produces the same text or raises its own error, such
as StrictUndefined's on a misspelt name.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import jinja2
from jinja2 import nodes
from lxml import etree
from markupsafe import escape

from connector.errors import XMLInputError
from connector.xmlkit import templates
from connector.xmlkit.parse import check_element_name

# A compiled template: (inputs, template params) -> the text Jinja would render.
Compiled = Callable[[Mapping[str, Any], Mapping[str, Any]], str]

MAX_INCLUDE_DEPTH = 8
_COMPARISONS = {"eq": "==", "ne": "!=", "gt": ">", "gteq": ">=", "lt": "<", "lteq": "<=",
                "in": "in", "notin": "not in"}
_CONSTANTS = (str, int, float, bool, type(None))


class ActionTemplate:
    """An action's template, rendered by its compiled function when it has one, else by Jinja.

    The context is the action's inputs (each given or None) and its template params; the
    inputs' names and the params' are fixed per action, so the template is compiled once for
    them, on its first render.
    """

    def __init__(self, env: jinja2.Environment, template_name: str, inputs: frozenset[str],
                 params: Mapping[str, Any]) -> None:
        self.env, self.template_name = env, template_name
        self.inputs, self.params = inputs, params
        self.compiled = compile_template(env, template_name, inputs, frozenset(params))

    def render(self, values: Mapping[str, Any]) -> etree._Element:
        """The body for these (validated) inputs."""
        if self.compiled is not None:
            try:
                text = self.compiled(values, self.params)
            except Exception:  # it gave up: Jinja renders it, or raises its own error
                pass
            else:
                return templates.parse_rendered(text, self.template_name)
        return templates.render_xml(self.env, self.template_name, self.context(values))

    def context(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """What Jinja renders the template with."""
        return {**self.params, **{name: values.get(name) for name in self.inputs}}


class Unsupported(Exception):
    """The template uses something the compiler does not write; Jinja renders it."""


class GiveUp(Exception):
    """Raised by a compiled function where it cannot be sure of Jinja's result."""


def compile_template(env: jinja2.Environment, template_name: str, inputs: frozenset[str],
                     params: frozenset[str]) -> Compiled | None:
    """A function writing the text of `template_name` for an action whose context is its
    `inputs` (each given or None) and its template `params`; None when it cannot be written."""
    try:
        source = _Writer(env, template_name, inputs, params).function()
    except Unsupported:
        return None
    namespace = _runtime(env, template_name)
    exec(compile(source, f"<compiled {template_name}>", "exec"), namespace)
    return namespace["render"]


def _runtime(env: jinja2.Environment, template_name: str) -> dict[str, Any]:
    """What compiled code may call: the same helpers Jinja's render would reach."""
    return {"__builtins__": {"bool": bool, "int": int, "isinstance": isinstance, "str": str,
                             "type": type},
            "_escape": escape, "_el": templates.el,
            "_check_name": check_element_name, "_getitem": _getitem, "_give_up": _give_up,
            "_filters": env.filters, "_tests": env.tests, "_env": env,
            "_eval_ctx": nodes.EvalContext(env, template_name)}


def _getitem(container: Any, key: Any) -> Any:
    """`a[b]` where it is plainly there; otherwise Jinja's sandboxed lookup decides."""
    if isinstance(container, (dict, list, tuple)):
        try:
            return container[key]
        except (LookupError, TypeError):
            pass
    raise GiveUp


def _give_up(name: str) -> Any:
    raise GiveUp(name)


class _Scope:
    """Names visible at a point of the template: locals set here, then the enclosing scope's."""

    def __init__(self, parent: _Scope | None, *, conditional: bool = False) -> None:
        self.parent = parent
        self.names: dict[str, str] = {}
        self.read: set[str] = set()  # names read here from an enclosing scope or the context
        self.conditional = conditional

    def lookup(self, name: str) -> str | None:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope.read.add(name)
            scope = scope.parent
        return None

    def store(self, name: str, variable: str) -> None:
        # Jinja resolves a name assigned in a branch, or read before it is assigned, in ways a
        # Python local cannot follow; such templates are left to Jinja.
        if self.conditional or name in self.read:
            raise Unsupported(f"assignment to {name!r} here")
        self.names[name] = variable


class _Writer:
    """Writes the Python source of one template's render function."""

    def __init__(self, env: jinja2.Environment, template_name: str, inputs: frozenset[str],
                 params: frozenset[str]) -> None:
        self.env = env
        self.template_name = template_name
        self.inputs = inputs
        self.params = params - inputs  # an input hides a template param of the same name
        self.lines: list[str] = []
        self.depth = 1
        self.counter = itertools.count()
        self.loaded: dict[str, str] = {}  # context name -> its local variable
        self.append = "_a"
        self.includes: list[str] = []
        for name in ("el", "wrap"):
            if name in inputs or name in params:
                raise Unsupported(f"the context shadows {name}()")
        if env.globals.get("el") is not templates.el or env.globals.get("wrap") is not (
                templates.wrap):
            raise Unsupported("the environment's el() or wrap() is not xmlkit's")

    def function(self) -> str:
        body = self._template(self.template_name, _Scope(None))
        prologue = [f"    {variable} = {self._context_read(name)}"
                    for name, variable in self.loaded.items()]
        return "\n".join(["def render(_inputs, _params):", "    _o = []", "    _a = _o.append",
                          *prologue, *body, "    return ''.join(_o)", ""])

    def _context_read(self, name: str) -> str:
        if name in self.inputs:
            return f"_inputs.get({name!r})"
        return f"_params[{name!r}]"

    # -- statements ---------------------------------------------------------------------------

    def _template(self, name: str, scope: _Scope) -> list[str]:
        if len(self.includes) >= MAX_INCLUDE_DEPTH or name in self.includes:
            raise Unsupported(f"includes nested too deep at {name}")
        try:
            source = self.env.loader.get_source(self.env, name)[0]
            tree = self.env.parse(source, name)
        except jinja2.TemplateError as exc:
            raise Unsupported(str(exc)) from None
        self.includes.append(name)
        self._statements(tree.body, scope)
        self.includes.pop()
        return self.lines

    def _statements(self, statements: list[nodes.Node], scope: _Scope) -> None:
        run: list[nodes.Node] = []  # what consecutive outputs write, appended at once
        for node in statements:
            if isinstance(node, nodes.Output):
                run.extend(node.nodes)
                continue
            self._output(run, scope)
            run = []
            method = getattr(self, f"_stmt_{type(node).__name__}", None)
            if method is None:
                raise Unsupported(f"{type(node).__name__} statement")
            method(node, scope)
        self._output(run, scope)

    def _emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    @contextmanager
    def _block(self, header: str) -> Iterator[None]:
        self._emit(header)
        self.depth += 1
        written = len(self.lines)
        yield
        if len(self.lines) == written:
            self._emit("pass")
        self.depth -= 1

    def _variable(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    def _output(self, children: list[nodes.Node], scope: _Scope) -> None:
        """Text and values written in a row, as one join of their parts (text merged)."""
        parts: list[str] = []
        text: list[str] = []
        for child in children:
            constant = _constant_text(child)
            if constant is not None:
                text.append(constant)
                continue
            if text:
                parts.append(repr("".join(text)))
                text = []
            parts.append(self._part(child, scope))
        if text:
            parts.append(repr("".join(text)))
        if len(parts) == 1:
            self._emit(f"{self.append}({parts[0]})")
        elif parts:
            self._emit(f"{self.append}(''.join(({', '.join(parts)},)))")

    def _part(self, node: nodes.Node, scope: _Scope) -> str:
        """What one output writes: a value escaped by autoescape, or `el(tag, value)` written
        out (nothing for None, a str escaped as `el` escapes it, anything else through `el`)."""
        if not _is_call_of(node, "el") or self._shadowed("el", scope):
            return f"_escape({self._expr(node, scope)})"
        if len(node.args) != 2 or node.kwargs or node.dyn_args or node.dyn_kwargs:
            raise Unsupported("el() takes a tag and a value")
        tag_node, value_node = node.args
        if not (isinstance(tag_node, nodes.Const) and isinstance(tag_node.value, str)):
            return self._expr(node, scope)  # el itself checks a tag known only at run time
        try:
            start, end = templates.element_tags(tag_node.value)
        except XMLInputError:
            raise Unsupported(f"element name {tag_node.value!r}") from None
        value = self._variable("_v")
        # Text, booleans and integers as `el` writes them (xml_text), anything else by `el`.
        return (f"('' if ({value} := {self._expr(value_node, scope)}) is None else "
                f"{start!r} + {_escaped(value)} + {end!r} if type({value}) is str "
                f"else ({start + 'true' + end!r} if {value} else {start + 'false' + end!r}) "
                f"if type({value}) is bool "
                f"else {start!r} + str({value}) + {end!r} if type({value}) is int "
                f"else _el({tag_node.value!r}, {value}))")

    def _stmt_If(self, node: nodes.If, scope: _Scope) -> None:
        branches = [(node.test, node.body), *((e.test, e.body) for e in node.elif_)]
        for index, (test, body) in enumerate(branches):
            keyword = "if" if index == 0 else "elif"
            with self._block(f"{keyword} {self._expr(test, scope)}:"):
                self._statements(body, _Scope(scope, conditional=True))
        if node.else_:
            with self._block("else:"):
                self._statements(node.else_, _Scope(scope, conditional=True))

    def _stmt_For(self, node: nodes.For, scope: _Scope) -> None:
        if node.else_ or node.recursive:
            raise Unsupported("for with else or recursive")
        iterable = self._expr(node.iter, scope)
        inner = _Scope(scope)
        target = self._target(node.target, inner)
        with self._block(f"for {target} in {iterable}:"):
            if node.test is not None:
                with self._block(f"if not ({self._expr(node.test, inner)}):"):
                    self._emit("continue")
            self._statements(node.body, inner)

    def _stmt_Assign(self, node: nodes.Assign, scope: _Scope) -> None:
        value = self._expr(node.node, scope)
        self._emit(f"{self._target(node.target, scope)} = {value}")

    def _stmt_Include(self, node: nodes.Include, scope: _Scope) -> None:
        template = node.template
        if (node.ignore_missing or not node.with_context or not isinstance(template, nodes.Const)
                or not isinstance(template.value, str)):
            raise Unsupported("include of anything but a named template, with context")
        self._template(template.value, _Scope(scope))

    def _stmt_CallBlock(self, node: nodes.CallBlock, scope: _Scope) -> None:
        """`{% call wrap(tag) %}...{% endcall %}`: the element, only when the block wrote
        something."""
        call = node.call
        if (not _is_call_of(call, "wrap") or self._shadowed("wrap", scope) or node.args
                or node.defaults or len(call.args) != 1 or call.kwargs or call.dyn_args
                or call.dyn_kwargs):
            raise Unsupported("a call block other than wrap(tag)")
        tag = self._checked_name(call.args[0], scope)
        outer, buffer = self.append, self._variable("_o")
        self._emit(f"{buffer} = []")
        self.append = f"{buffer}.append"
        self._statements(node.body, _Scope(scope))
        self.append = outer
        inner = self._variable("_i")
        self._emit(f"{inner} = ''.join({buffer})")
        with self._block(f"if {inner}.strip():"):
            self._emit(f"{outer}('<' + {tag} + '>' + {inner} + '</' + {tag} + '>')")

    def _checked_name(self, node: nodes.Node, scope: _Scope) -> str:
        """An element name as `wrap` checks it: once here when it is a constant."""
        if isinstance(node, nodes.Const) and isinstance(node.value, str):
            try:
                return repr(check_element_name(node.value, "element name"))
            except XMLInputError:
                raise Unsupported(f"element name {node.value!r}") from None
        tag = self._variable("_t")
        self._emit(f"{tag} = _check_name({self._expr(node, scope)}, 'element name')")
        return tag

    def _target(self, node: nodes.Node, scope: _Scope) -> str:
        if isinstance(node, nodes.Name):
            variable = self._variable("l_")
            scope.store(node.name, variable)
            return variable
        if isinstance(node, nodes.Tuple) and all(isinstance(n, nodes.Name) for n in node.items):
            return "(" + "".join(f"{self._target(n, scope)}, " for n in node.items) + ")"
        raise Unsupported("an assignment to anything but names")

    # -- expressions ----------------------------------------------------------------------------

    def _expr(self, node: nodes.Node, scope: _Scope) -> str:
        method = getattr(self, f"_expr_{type(node).__name__}", None)
        if method is None:
            raise Unsupported(f"{type(node).__name__} expression")
        return method(node, scope)

    def _expr_Const(self, node: nodes.Const, scope: _Scope) -> str:
        if type(node.value) not in _CONSTANTS:
            raise Unsupported("a constant of another type")
        return repr(node.value)

    def _expr_List(self, node: nodes.List, scope: _Scope) -> str:
        return "[" + ", ".join(self._expr(item, scope) for item in node.items) + "]"

    def _expr_Dict(self, node: nodes.Dict, scope: _Scope) -> str:
        return "{" + ", ".join(f"{self._expr(pair.key, scope)}: {self._expr(pair.value, scope)}"
                               for pair in node.items) + "}"

    def _expr_Tuple(self, node: nodes.Tuple, scope: _Scope) -> str:
        return "(" + "".join(f"{self._expr(item, scope)}, " for item in node.items) + ")"

    def _expr_Name(self, node: nodes.Name, scope: _Scope) -> str:
        local = scope.lookup(node.name)
        if local is not None:
            return local
        if node.name in self.inputs or node.name in self.params:
            if node.name not in self.loaded:
                self.loaded[node.name] = f"c_{len(self.loaded)}"
            return self.loaded[node.name]
        return f"_give_up({node.name!r})"  # undefined, or a global: Jinja decides

    def _expr_Getitem(self, node: nodes.Getitem, scope: _Scope) -> str:
        return f"_getitem({self._expr(node.node, scope)}, {self._expr(node.arg, scope)})"

    def _expr_Compare(self, node: nodes.Compare, scope: _Scope) -> str:
        parts = [self._expr(node.expr, scope)]
        for operand in node.ops:
            parts += [_COMPARISONS[operand.op], self._expr(operand.expr, scope)]
        return "(" + " ".join(parts) + ")"

    def _expr_And(self, node: nodes.And, scope: _Scope) -> str:
        return f"({self._expr(node.left, scope)} and {self._expr(node.right, scope)})"

    def _expr_Or(self, node: nodes.Or, scope: _Scope) -> str:
        return f"({self._expr(node.left, scope)} or {self._expr(node.right, scope)})"

    def _expr_Not(self, node: nodes.Not, scope: _Scope) -> str:
        return f"(not {self._expr(node.node, scope)})"

    def _expr_CondExpr(self, node: nodes.CondExpr, scope: _Scope) -> str:
        if node.expr2 is None:
            raise Unsupported("a conditional expression without else")
        return (f"({self._expr(node.expr1, scope)} if {self._expr(node.test, scope)} "
                f"else {self._expr(node.expr2, scope)})")

    def _expr_Call(self, node: nodes.Call, scope: _Scope) -> str:
        if not _is_call_of(node, "el") or self._shadowed("el", scope):
            raise Unsupported("a call of anything but el()")
        if len(node.args) != 2 or node.kwargs or node.dyn_args or node.dyn_kwargs:
            raise Unsupported("el() takes a tag and a value")
        return f"_el({self._expr(node.args[0], scope)}, {self._expr(node.args[1], scope)})"

    def _expr_Filter(self, node: nodes.Filter, scope: _Scope) -> str:
        if node.node is None:
            raise Unsupported("a filter block")
        return self._apply("_filters", self.env.filters, node, scope)

    def _expr_Test(self, node: nodes.Test, scope: _Scope) -> str:
        if node.name in ("defined", "undefined") and not node.args and not node.kwargs:
            if not isinstance(node.node, nodes.Name):
                raise Unsupported("a definition test of anything but a name")
            known = node.node.name
            defined = (scope.lookup(known) is not None or known in self.inputs
                       or known in self.params or known in self.env.globals)
            return repr(defined == (node.name == "defined"))
        if node.name == "none" and self.env.tests.get("none") is jinja2.tests.test_none:
            return f"({self._expr(node.node, scope)} is None)"
        if node.name == "string" and self.env.tests.get("string") is jinja2.tests.test_string:
            return f"isinstance({self._expr(node.node, scope)}, str)"
        return self._apply("_tests", self.env.tests, node, scope)

    def _apply(self, table: str, functions: Mapping[str, Any], node: nodes._FilterTestCommon,
               scope: _Scope) -> str:
        """A filter or test called as Jinja calls it, with what it asks to be passed."""
        function = functions.get(node.name)
        if function is None or node.dyn_args or node.dyn_kwargs:
            raise Unsupported(f"{node.name} with unknown or dynamic arguments")
        passed = getattr(getattr(function, "jinja_pass_arg", None), "name", None)
        if passed == "context":
            raise Unsupported(f"{node.name} needs the render context")
        arguments = {"eval_context": ["_eval_ctx"], "environment": ["_env"]}.get(passed, [])
        arguments.append(self._expr(node.node, scope))
        arguments += [self._expr(arg, scope) for arg in node.args]
        arguments += [f"{kwarg.key}={self._expr(kwarg.value, scope)}" for kwarg in node.kwargs]
        return f"{table}[{node.name!r}]({', '.join(arguments)})"

    def _shadowed(self, name: str, scope: _Scope) -> bool:
        return scope.lookup(name) is not None


def _is_call_of(node: nodes.Node, name: str) -> bool:
    return (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name)
            and node.node.name == name)


def _constant_text(node: nodes.Node) -> str | None:
    """What Jinja writes for template text and for a constant output under autoescape."""
    if isinstance(node, nodes.TemplateData):
        return node.data
    if isinstance(node, nodes.Const) and type(node.value) in _CONSTANTS:
        return str(escape(node.value))
    return None


def _escaped(variable: str) -> str:
    """`el`'s escaping of a str, written inline (most text has nothing to escape, which three
    `in` tests tell sooner than three replacements)."""
    return (f"({variable} if not ('&' in {variable} or '<' in {variable} or '>' in {variable})"
            f" else {variable}.replace('&', '&amp;').replace('<', '&lt;')"
            f".replace('>', '&gt;'))")
