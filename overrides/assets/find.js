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
  var OPTIONS = {excerptLength: 40};  // every shard's: a merged index takes only those given to it
  var loading = null;

  // The index comes in shards (see generator/search_index.py): the first at
  // pagefind/ with Pagefind's code, the others merged into it, each shard's
  // papers given its number as their "shard" filter.
  function pagefind() {
    if (!loading) {
      var code = import(new URL("pagefind/pagefind.js", ROOT).href);
      var shards = fetch(new URL("pagefind/shards.json", ROOT).href).then(function (response) {
        if (!response.ok) throw new Error("the search index is incomplete");
        return response.json();
      });
      loading = Promise.all([code, shards]).then(function (both) {
        var pf = both[0];
        var folders = both[1].shards;
        // Pagefind's web worker is one more script to fetch; a shard's search
        // takes milliseconds on the page's own thread.
        return pf.options(Object.assign({noWorker: true, mergeFilter: {shard: "0"}}, OPTIONS)).then(function () {
          return Promise.all(folders.map(function (folder, i) {
            var merged = Object.assign({mergeFilter: {shard: String(i + 1)}}, OPTIONS);
            return pf.mergeIndex(new URL("pagefind/" + folder, ROOT).href, merged);
          }));
        }).then(function () {
          var shards = [];
          for (var i = 0; i <= folders.length; i++) shards.push(String(i));
          return {pf: pf, shards: shards, totals: both[1].filters, allFilters: null,
                  search: papersOnly(pf, both[1].words || [])};
        });
      });
    }
    return loading;
  }

  // Pagefind's search of the merged shards, less each shard's record of every word (no paper).
  function papersOnly(pf, unlisted) {
    var skip = {};
    unlisted.forEach(function (id) { skip[id] = true; });
    return function (query, options) {
      return pf.search(query, options).then(function (found) {
        if (found) found.results = found.results.filter(function (r) { return !skip[r.id]; });
        return found;
      });
    };
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
  function byRelevance(index, query, options) {
    var words = query.split(/\s+/);
    if (words.length < 2 || query.indexOf("\"") >= 0) return index.search(query, options).then(listed);
    return Promise.all([index.search("\"" + query + "\"", options), index.search(query, options)])
      .then(function (both) {
        var phrase = both[0];
        var all = both[1];
        if (!phrase || !all || !phrase.results.length) return listed(all);
        var together = {};
        phrase.results.forEach(function (r) { together[r.id] = true; });
        var found = listed(phrase);
        found.apart = all.results.filter(function (r) { return !together[r.id]; });
        return found;
      });
  }

  function listed(search) {
    return search && {results: new Listed(search.results), filters: search.filters, apart: []};
  }

  // Each shard's papers in an order: by a sort key (newest, most upvoted: Pagefind's
  // own sorts, which take every paper with the words), or with no words and no
  // sort, by title (the index's own order, shard after shard). Pagefind ranks a
  // merged search by each shard's own positions, so each shard is asked alone.
  function inOrder(index, query, filters, sort) {
    return Promise.all(index.shards.map(function (shard) {
      return index.search(query, {filters: Object.assign({}, filters, {shard: shard}), sort: sort});
    })).then(function (searches) {
      if (searches.some(function (s) { return !s; })) return null;
      var lists = searches.map(function (s) { return s.results; });
      var results = sort ? new Merged(lists, KEYS[Object.keys(sort)[0]])
        : new Listed([].concat.apply([], lists));
      return {results: results, filters: added(searches.map(function (s) { return s.filters; })), apart: []};
    });
  }

  function added(counts) {
    var total = {};
    counts.forEach(function (filters) {
      Object.keys(filters || {}).forEach(function (name) {
        var into = total[name] = total[name] || {};
        Object.keys(filters[name]).forEach(function (v) { into[v] = (into[v] || 0) + filters[name][v]; });
      });
    });
    return total;
  }

  // The sort keys of generator/facets.py (sort_keys), from a result's facts:
  // greater comes first.
  var UNDATED = "0000-00-00";
  var KEYS = {
    date: function (data) { return facts(data.meta.facts).date || UNDATED; },
    upvotes: function (data) {
      var known = facts(data.meta.facts);
      var n = known.upvotes ? Number(known.upvotes) + 1 : 0;
      return "u" + String(n).padStart(9, "0") + "/" + (known.date || UNDATED);
    }
  };

  // Results in their order, their data loaded as they are shown.
  function Listed(results) {
    this.results = results;
    this.length = results.length;
    this.shown = 0;
  }

  Listed.prototype.take = function (n) {
    var batch = this.results.slice(this.shown, this.shown + n);
    this.shown += batch.length;
    return Promise.all(batch.map(function (r) { return r.data(); }));
  };

  // Shards' results, each list in a sort's order, merged by the sort's key.
  // Pagefind puts the later title first among equal keys (its descending sort
  // reverses the index's order), so a tie goes to the later shard. Each list's data is
  // loaded a few results at a time, as the merge reaches them.
  function Merged(lists, key) {
    this.lists = lists;
    this.key = key;
    this.next = lists.map(function () { return 0; });  // each list's first result not loaded
    this.loaded = lists.map(function () { return []; });  // loaded, not yet shown
    this.length = lists.reduce(function (n, list) { return n + list.length; }, 0);
    this.shown = 0;
  }

  Merged.prototype.load = function (size) {
    var self = this;
    return Promise.all(this.lists.map(function (list, i) {
      if (self.loaded[i].length || self.next[i] >= list.length) return null;
      var batch = list.slice(self.next[i], self.next[i] + size);
      self.next[i] += batch.length;
      return Promise.all(batch.map(function (r) { return r.data(); }))
        .then(function (pages) { self.loaded[i] = pages; });
    }));
  };

  // The list whose next result comes first; -1 when one must be loaded first, or none is left.
  Merged.prototype.first = function () {
    var best = -1;
    for (var i = 0; i < this.lists.length; i++) {
      if (!this.loaded[i].length) {
        if (this.next[i] < this.lists[i].length) return -1;
        continue;
      }
      if (best < 0 || this.key(this.loaded[i][0]) >= this.key(this.loaded[best][0])) best = i;
    }
    return best;
  };

  Merged.prototype.take = function (n) {
    var self = this;
    var taken = [];
    var size = Math.ceil(n / this.lists.length) + 2;
    function step() {
      return self.load(size).then(function () {
        while (taken.length < n && self.shown < self.length) {
          var i = self.first();
          if (i < 0) return step();
          taken.push(self.loaded[i].shift());
          self.shown += 1;
        }
        return taken;
      });
    }
    return step();
  };

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
    return pagefind().then(function (index) { return index.totals; }).then(function (totals) {
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
    function searchAgain(index) {
      return sort || browsing ? inOrder(index, browsing ? null : state.q, filters, sort)
        : byRelevance(index, state.q, {filters: filters});
    }
    var index = null;
    return pagefind().then(function (loaded) {
      index = loaded;
      return searchAgain(index);
    }).then(function (found) {
      if (run !== self.run || !found) return;
      self.results = found.results;
      self.apart = found.apart;
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
      return self.showMore().then(function () { return self.facetCounts(index, found, searchAgain, run); });
    }).then(function () {
      if (run === self.run) self.done();
    });
  };

  // The facets' counts for the results (the search page's). A search loads only
  // the filters it uses, and counts only those: once the results are shown, all
  // filters are loaded (once) and the search is run again, from what is loaded, for its counts.
  Finder.prototype.facetCounts = function (index, found, again, run) {
    if (!this.totals || !found) return Promise.resolve();
    var self = this;
    if (!index.allFilters) index.allFilters = index.pf.filters();
    return index.allFilters.then(function () { return again(index); }).then(function (counted) {
      if (run === self.run && counted) self.counts(counted.filters);
    });
  };

  Finder.prototype.showMore = function () {
    var self = this;
    var run = this.run;
    if (this.results.shown >= this.results.length && this.apart.length) {
      this.results = new Listed(this.apart);  // the reader asked for the papers with the words apart
      this.apart = [];
    }
    return this.results.take(BATCH).then(function (pages) {
      if (run !== self.run) return;
      var left = self.results.shown < self.results.length;
      self.more.hidden = !left && !self.apart.length;
      self.more.textContent = left ? "Show more" : "Show " + plural(self.apart.length, "paper", "papers") +
        " with the words apart";
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
