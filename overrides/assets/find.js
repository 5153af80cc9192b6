// Finding papers: the search page and the theme pages' sort and filter controls,
// both on Pagefind's own API (pagefind.js: search, filters, sort).
//
// A form marked data-find drives it. Its state (query, filters, sort) lives in
// the address (?q=...&theme=...&sort=...), so a link reproduces a search and Back
// restores it. Everything shown comes from the index as text: elements are made
// with createElement and filled with textContent, never with innerHTML.
(function () {
  "use strict";

  // This file is assets/find.js: the site's root is one folder up, wherever the
  // site is served from.
  var ROOT = new URL("..", document.currentScript.src);
  var FILTERS = ["theme", "year", "code", "summary", "cross", "primary"];
  // Sort orders by Pagefind's sort keys; by title is the index's own order,
  // which a search with no words and no sort keeps.
  var SORTS = {date: {date: "desc"}, upvotes: {upvotes: "desc"}};
  var BATCH = 20;
  var loading = null;

  function pagefind() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", ROOT).href).then(function (pf) {
        return pf.options({excerptLength: 40}).then(function () { return pf; });
      });
    }
    return loading;
  }

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // Pagefind's excerpt is escaped text with <mark> around the words found:
  // split at the marks, and turn the escapes back into the characters they stand for.
  var ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'", "&#x27;": "'"};

  function unescapeText(text) {
    return text.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, function (m) { return ENTITIES[m]; });
  }

  function excerpt(text) {
    var p = el("p", {"class": "find-excerpt"});
    var marked = false;
    text.split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>" || part === "</mark>") {
        marked = part === "<mark>";
      } else if (part) {
        p.appendChild(marked ? el("mark", {}, unescapeText(part)) : document.createTextNode(unescapeText(part)));
      }
    });
    return p;
  }

  // The record's facts: "date=2024-05-01;upvotes=12" (see generator/search_index.py).
  function facts(value) {
    var result = {};
    (value || "").split(";").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > 0) result[pair.slice(0, at)] = pair.slice(at + 1);
    });
    return result;
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function showDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? MONTHS[Number(m[2]) - 1] + " " + Number(m[3]) + ", " + m[1] : "undated";
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  // Theme names, from the page's links to theme pages (themes/<id>/), in page order.
  function themeNames() {
    var names = {};
    var prefix = ROOT.pathname + "themes/";
    document.querySelectorAll(".md-content a[href]").forEach(function (a) {
      var path = new URL(a.href).pathname;
      var match = path.indexOf(prefix) === 0 && /^([^/]+)\/$/.exec(path.slice(prefix.length));
      if (match && !names[match[1]]) names[match[1]] = {title: a.textContent, href: a.href};
    });
    return names;
  }

  function resultItem(data, names, skipTheme) {
    var li = el("li", {"class": "find-result"});
    var heading = el("p", {"class": "find-title"});
    heading.appendChild(el("a", {href: new URL(data.raw_url || data.url, ROOT).href}, data.meta.title));
    li.appendChild(heading);
    var known = facts(data.meta.facts);
    var filters = data.filters || {};
    var parts = [showDate(known.date)];
    if (known.upvotes) parts.push(plural(Number(known.upvotes), "upvote", "upvotes"));
    if ((filters.code || [])[0] === "yes") parts.push("code");
    if ((filters.summary || [])[0] === "yes") parts.push("curated summary");
    var byline = el("p", {"class": "find-byline"}, parts.join(" · "));
    var themes = (filters.theme || []).filter(function (t) { return t !== skipTheme && names[t]; });
    if (themes.length) {
      byline.appendChild(document.createTextNode(" · "));
      themes.forEach(function (t, i) {
        if (i) byline.appendChild(document.createTextNode(", "));
        byline.appendChild(el("a", {href: names[t].href}, names[t].title));
      });
    }
    li.appendChild(byline);
    li.appendChild(excerpt(data.excerpt || ""));
    return li;
  }

  // -- the form's state and the address ------------------------------------------------------

  function stateOf(form) {
    var data = new FormData(form);
    var state = {q: (data.get("q") || "").trim(), sort: data.get("sort") || "", filters: {}};
    FILTERS.forEach(function (name) {
      var values = data.getAll(name).filter(Boolean);
      if (values.length) state.filters[name] = values;
    });
    return state;
  }

  function address(state) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    FILTERS.forEach(function (name) {
      (state.filters[name] || []).forEach(function (v) { params.append(name, v); });
    });
    if (state.sort) params.set("sort", state.sort);
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "");
  }

  function restore(form, params) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name) return;
      if (field.type === "checkbox") {
        field.checked = params.getAll(field.name).indexOf(field.value) >= 0;
      } else if (field.tagName === "SELECT" || field.type === "search" || field.type === "text") {
        var value = params.get(field.name) || "";
        if (field.tagName === "SELECT" && !field.querySelector("option[value='" + CSS.escape(value) + "']")) {
          value = "";
        }
        field.value = value;
      }
    });
  }

  // Pagefind matches each word of a query wherever it stands. Ranked by
  // relevance, a query of several words finds first the papers that have them
  // side by side, as typed ("length generalization"); the papers that only
  // have them apart are offered after those, at the reader's request.
  // Pagefind's own sorts (newest, most upvoted) take every paper with the words.
  function find(pf, query, options) {
    var words = query ? query.split(/\s+/) : [];
    if (options.sort || words.length < 2 || query.indexOf("\"") >= 0) return pf.search(query, options);
    return Promise.all([pf.search("\"" + query + "\"", options), pf.search(query, options)])
      .then(function (both) {
        var phrase = both[0];
        var all = both[1];
        if (!phrase || !all || !phrase.results.length) return all;
        var together = {};
        phrase.results.forEach(function (r) { together[r.id] = true; });
        var result = Object.assign({}, phrase);
        result.apart = all.results.filter(function (r) { return !together[r.id]; });
        return result;
      });
  }

  // -- one controller for both pages ---------------------------------------------------------

  function Finder(form) {
    this.form = form;
    this.theme = form.getAttribute("data-theme");  // a theme page: its theme is fixed
    this.names = themeNames();
    this.list = document.getElementById(form.getAttribute("data-results"));
    this.status = document.getElementById(form.getAttribute("data-status"));
    this.more = el("button", {type: "button", "class": "md-button find-more", hidden: ""}, "Show more");
    this.list.after(this.more);
    this.staticList = this.theme ? document.getElementById("theme-static") : null;
    this.total = Number(form.getAttribute("data-total") || 0);
    this.run = 0;
    var self = this;
    this.more.addEventListener("click", function () { self.showMore(); });
  }

  Finder.prototype.start = function () {
    var self = this;
    var form = this.form;
    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); self.changed(true); });
    form.addEventListener("change", function (event) {
      if (event.target.type !== "search") self.changed(true);
    });
    var timer = null;
    form.addEventListener("input", function (event) {
      if (event.target.type !== "search") return;
      self.form.setAttribute("data-state", "busy");
      clearTimeout(timer);
      timer = setTimeout(function () { self.changed(false); }, 250);
    });
    window.addEventListener("popstate", function () { self.fromAddress(); });
    return this.prepare().then(function () { return self.fromAddress(); });
  };

  // The search page lists every facet value with its count, from the index.
  Finder.prototype.prepare = function () {
    var facets = this.form.querySelector("[data-facets]");
    if (!facets) return Promise.resolve();
    var self = this;
    return pagefind().then(function (pf) { return pf.filters(); }).then(function (totals) {
      self.totals = totals;
      buildFacets(facets, totals, self.names);
      // On a narrow screen the filters start folded, below the box.
      if (window.matchMedia("(max-width: 44em)").matches) facets.closest("details").open = false;
      self.counts(totals);
    });
  };

  Finder.prototype.fromAddress = function () {
    var params = new URLSearchParams(location.search);
    restore(this.form, params);
    var state = stateOf(this.form);
    if (this.theme && !state.q && !state.sort && !Object.keys(state.filters).length) {
      return this.showStatic();  // the page as it was built: nothing to do
    }
    return this.search(state);
  };

  Finder.prototype.changed = function (push) {
    var state = stateOf(this.form);
    var target = address(state);
    if (target !== location.pathname + location.search) {
      history[push ? "pushState" : "replaceState"](null, "", target);
    }
    return this.search(state);
  };

  // The form's data-state is "busy" while a search runs and "done" once its
  // results are on the page (for the reader's assistive tools, and for tests).
  Finder.prototype.done = function () { this.form.setAttribute("data-state", "done"); };

  Finder.prototype.showStatic = function () {
    this.run += 1;
    this.done();
    if (this.staticList) this.staticList.hidden = false;
    this.list.replaceChildren();
    this.more.hidden = true;
    this.status.textContent = plural(this.total, "paper", "papers") + ", newest first.";
  };

  Finder.prototype.search = function (state) {
    var run = ++this.run;
    var self = this;
    this.form.setAttribute("data-state", "busy");
    var filters = {};
    Object.keys(state.filters).forEach(function (name) { filters[name] = {any: state.filters[name]}; });
    if (this.theme) filters.theme = this.theme;
    var browsing = !state.q;
    if (browsing && !this.theme && !Object.keys(filters).length) {
      this.list.replaceChildren();
      this.more.hidden = true;
      this.status.textContent = "Type a few words, or choose a theme or a year to browse.";
      if (this.totals) this.counts(this.totals);
      this.done();
      return Promise.resolve();
    }
    var sort = state.sort === "title" && browsing ? undefined
      : SORTS[state.sort] || (browsing ? SORTS.date : undefined);
    this.status.textContent = "Searching…";
    return pagefind().then(function (pf) {
      return find(pf, browsing ? null : state.q, {filters: filters, sort: sort});
    }).then(function (found) {
      if (run !== self.run || !found) return;
      self.results = found.results;
      self.apart = found.apart || [];
      self.shown = 0;
      if (self.staticList) self.staticList.hidden = true;
      self.list.replaceChildren();
      var n = found.results.length;
      var of = self.theme ? " of " + self.total : "";
      var order = state.sort === "upvotes" ? "most upvoted first" : state.sort === "title" ? "by title"
        : (state.sort === "date" || browsing) ? "newest first" : "best match first";
      var apart = self.apart.length ? " " + plural(self.apart.length, "more paper has", "more papers have") +
        " the words apart." : "";
      self.status.textContent = n + of + (n === 1 && !of ? " paper, " : " papers, ") + order + "." + apart;
      self.status.setAttribute("data-count", String(n));
      self.counts(found.filters);
      return self.showMore();
    }).then(function () {
      if (run === self.run) self.done();
    });
  };

  Finder.prototype.showMore = function () {
    var self = this;
    var run = this.run;
    if (this.shown >= this.results.length && this.apart.length) {
      this.results = this.results.concat(this.apart);  // the reader asked for the papers with the words apart
      this.apart = [];
    }
    var batch = this.results.slice(this.shown, this.shown + BATCH);
    this.shown += batch.length;
    var left = this.shown < this.results.length;
    this.more.hidden = !left && !this.apart.length;
    this.more.textContent = left ? "Show more" : "Show " + plural(this.apart.length, "paper", "papers") +
      " with the words apart";
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (pages) {
      if (run !== self.run) return;
      pages.forEach(function (data) { self.list.appendChild(resultItem(data, self.names, self.theme)); });
    });
  };

  // Each facet value's count: how many of the results have it.
  Finder.prototype.counts = function (counts) {
    this.form.querySelectorAll("[data-count-of]").forEach(function (span) {
      var key = span.getAttribute("data-count-of").split("=");
      var n = ((counts || {})[key[0]] || {})[key[1]] || 0;
      span.textContent = String(n);
      span.closest("label").classList.toggle("find-none", n === 0);
    });
  };

  // -- the search page's facets --------------------------------------------------------------

  function checkbox(name, value, label) {
    var wrap = el("label", {"class": "find-facet"});
    wrap.appendChild(el("input", {type: "checkbox", name: name, value: value}));
    wrap.appendChild(document.createTextNode(" " + label + " "));
    wrap.appendChild(el("span", {"class": "find-count", "data-count-of": name + "=" + value}));
    return wrap;
  }

  function group(legend, boxes) {
    var fieldset = el("fieldset", {"class": "find-group"});
    fieldset.appendChild(el("legend", {}, legend));
    boxes.forEach(function (box) { fieldset.appendChild(box); });
    return fieldset;
  }

  function buildFacets(container, totals, names) {
    var themes = Object.keys(names).filter(function (t) { return (totals.theme || {})[t] !== undefined; });
    var years = Object.keys(totals.year || {}).sort().reverse();
    years.sort(function (a, b) { return (a === "undated") - (b === "undated"); });
    container.replaceChildren(
      group("Has", [checkbox("code", "yes", "code"), checkbox("summary", "yes", "a curated summary"),
                    checkbox("cross", "yes", "several listings")]),
      group("Year", years.map(function (y) { return checkbox("year", y, y); })),
      group("Theme", themes.map(function (t) { return checkbox("theme", t, names[t].title); })));
  }

  function main() {
    document.querySelectorAll("form[data-find]").forEach(function (form) {
      new Finder(form).start().catch(function (error) {
        var status = document.getElementById(form.getAttribute("data-status"));
        if (status) status.textContent = "Search is not available here: " + error.message;
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", main);
  } else {
    main();
  }
})();
