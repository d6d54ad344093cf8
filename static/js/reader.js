/* Commonplace reader: highlights painted on the cached copy, and a selection
   turned into a new highlight. Plain JavaScript, no build step.

   The copy sits in <iframe sandbox="allow-same-origin">, served with a CSP
   sandbox of its own: its scripts never run, but it shares our origin, so
   this script (running in the reader page) can read its selection and add
   <mark> elements to it. Nothing here inserts markup from the copy or the
   server as HTML; text goes in as text.

   Offsets. The server speaks in code points into the snapshot's text
   (bookmarks/snapshot/text.py); JavaScript strings are UTF-16. indexText()
   computes the same text from the frame's DOM and remembers, for every
   UTF-16 unit of it, the text node and offset it came from; codePointMap()
   converts between the two counts. */
(function () {
  "use strict";

  var MARK = "data-cp-highlight";
  var COLOUR = "data-cp-colour";
  var ACTIVE = "data-cp-active";
  /** TextQuoteSelector context: up to this many code points each side. */
  var CONTEXT = 32;
  /** Whitespace-only text between these is layout, not text: never wrapped. */
  var STRUCTURAL = /^(TABLE|THEAD|TBODY|TFOOT|TR|COLGROUP|UL|OL|DL|MENU|SELECT|OPTGROUP)$/;
  var PAINT_STYLE = [
    // The copy's own stylesheet may style <mark>: ours wins, and stays inline.
    "mark[" + MARK + "]{display:inline !important;color:#111 !important;border-radius:2px;padding:0;",
    "box-shadow:inset 0 -0.15em 0 rgba(0,0,0,.35);cursor:pointer;",
    "-webkit-box-decoration-break:clone;box-decoration-break:clone}",
    "mark[" + COLOUR + "=yellow]{background:#fff27a !important}",
    "mark[" + COLOUR + "=green]{background:#b6f0c2 !important}",
    "mark[" + COLOUR + "=blue]{background:#bcdcff !important}",
    "mark[" + COLOUR + "=pink]{background:#ffc6de !important}",
    "mark[" + ACTIVE + "]{outline:2px solid #0a58ca;outline-offset:1px}",
  ].join("\n");

  // --- The snapshot's text ----------------------------------------------------

  function isAsciiSpace(code) {
    return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0c || code === 0x0d;
  }

  /** The text of a document by the rule of bookmarks/snapshot/text.py, with,
   *  for each UTF-16 unit of it, the text node and offset it came from. */
  function indexText(doc) {
    var nodes = [];
    var nodeStart = []; // where each node's contribution starts in the text
    var spaceBefore = []; // whether a space (or the start) came just before it
    var nodeOf = new Int32Array(1024);
    var offsetOf = new Int32Array(1024);
    var pieces = [];
    var length = 0;
    var afterSpace = true; // the rule drops a leading space: as if one came before
    var walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement && node.parentElement.closest("style, script")) continue;
      var k = nodes.length;
      var data = node.data;
      nodes.push(node);
      nodeStart.push(length);
      spaceBefore.push(afterSpace);
      if (length + data.length > nodeOf.length) {
        var size = Math.max(nodeOf.length * 2, length + data.length);
        var grownNodes = new Int32Array(size);
        var grownOffsets = new Int32Array(size);
        grownNodes.set(nodeOf);
        grownOffsets.set(offsetOf);
        nodeOf = grownNodes;
        offsetOf = grownOffsets;
      }
      var run = 0; // start of the current run of kept characters
      for (var i = 0; i < data.length; i++) {
        if (isAsciiSpace(data.charCodeAt(i))) {
          if (run < i) pieces.push(data.slice(run, i));
          run = i + 1;
          if (afterSpace) continue;
          pieces.push(" ");
          afterSpace = true;
        } else {
          afterSpace = false;
        }
        nodeOf[length] = k;
        offsetOf[length] = i;
        length++;
      }
      if (run < data.length) pieces.push(data.slice(run));
    }
    var text = pieces.join("");
    if (length && text.charCodeAt(length - 1) === 0x20) {
      text = text.slice(0, -1);
      length--;
    }
    var position = new Map();
    nodes.forEach(function (n, index) {
      position.set(n, index);
    });
    return {
      text: text,
      nodes: nodes,
      nodeStart: nodeStart,
      spaceBefore: spaceBefore,
      nodeOf: nodeOf,
      offsetOf: offsetOf,
      position: position,
    };
  }

  /** Where a DOM boundary point falls in the text (UTF-16 units). */
  function offsetAt(index, container, offset) {
    var k = index.position.get(container);
    if (k !== undefined) {
      var count = index.nodeStart[k];
      var afterSpace = index.spaceBefore[k];
      var data = container.data;
      for (var i = 0; i < offset && i < data.length; i++) {
        if (!isAsciiSpace(data.charCodeAt(i))) {
          count++;
          afterSpace = false;
        } else if (!afterSpace) {
          count++;
          afterSpace = true;
        }
      }
      return Math.min(count, index.text.length);
    }
    // A boundary between elements (or in text the rule skips): the start of
    // the first counted text node after it, found by bisection.
    var point = container.ownerDocument.createRange();
    point.setStart(container, offset);
    var low = 0;
    var high = index.nodes.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      if (point.comparePoint(index.nodes[middle], 0) < 0) low = middle + 1;
      else high = middle;
    }
    return low < index.nodes.length ? Math.min(index.nodeStart[low], index.text.length) : index.text.length;
  }

  /** Code point ↔ UTF-16 conversions for this text (identity when it has no
   *  characters outside the Basic Multilingual Plane). */
  function codePointMap(text) {
    if (!/[\uD800-\uDBFF]/.test(text)) {
      return {
        toUnits: function (n) {
          return n;
        },
        toCodePoints: function (n) {
          return n;
        },
      };
    }
    var units = [];
    for (var i = 0; i < text.length; i++) {
      units.push(i);
      var code = text.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) i++;
    }
    units.push(text.length);
    return {
      toUnits: function (n) {
        return units[Math.min(Math.max(n, 0), units.length - 1)];
      },
      toCodePoints: function (unit) {
        var low = 0;
        var high = units.length - 1;
        while (low < high) {
          var middle = (low + high) >> 1;
          if (units[middle] < unit) low = middle + 1;
          else high = middle;
        }
        return low;
      },
    };
  }

  function isLowSurrogate(code) {
    return code >= 0xdc00 && code <= 0xdfff;
  }

  /** A new highlight's selectors from the frame's selection, or null. */
  function quoteOfSelection(index, selection) {
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    var text = index.text;
    var start = offsetAt(index, range.startContainer, range.startOffset);
    var end = offsetAt(index, range.endContainer, range.endOffset);
    // Never half a character; never a space at either end.
    if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start--;
    if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end++;
    while (start < end && text.charCodeAt(start) === 0x20) start++;
    while (end > start && text.charCodeAt(end - 1) === 0x20) end--;
    if (start >= end) return null;
    var map = codePointMap(text);
    return {
      exact: text.slice(start, end),
      prefix: Array.from(text.slice(Math.max(0, start - 2 * CONTEXT), start)).slice(-CONTEXT).join(""),
      suffix: Array.from(text.slice(end, end + 2 * CONTEXT)).slice(0, CONTEXT).join(""),
      start: map.toCodePoints(start),
      end: map.toCodePoints(end),
      range: range,
    };
  }

  // --- Painting ---------------------------------------------------------------

  /** Wrap each highlight's text in <mark>s, in order: a later highlight
   *  nests inside an earlier one where they overlap, so it shows on top.
   *  ``spans`` are {id, colour, from, to} in UTF-16 units of index.text.
   *  Each text node is split once, at every boundary that falls in it. */
  function paint(index, spans) {
    var byNode = new Map();
    spans.forEach(function (span) {
      if (span.to <= span.from) return;
      var first = index.nodeOf[span.from];
      var last = index.nodeOf[span.to - 1];
      for (var k = first; k <= last; k++) {
        var from = k === first ? index.offsetOf[span.from] : 0;
        var to = k === last ? index.offsetOf[span.to - 1] + 1 : index.nodes[k].data.length;
        if (from >= to) continue;
        if (!byNode.has(k)) byNode.set(k, []);
        byNode.get(k).push({ from: from, to: to, span: span });
      }
    });
    byNode.forEach(function (segments, k) {
      wrap(index.nodes[k], segments);
    });
  }

  function wrap(node, segments) {
    var doc = node.ownerDocument;
    var data = node.data;
    var layoutOnly = STRUCTURAL.test(node.parentNode.nodeName);
    var cuts = [0, data.length];
    segments.forEach(function (segment) {
      cuts.push(segment.from, segment.to);
    });
    cuts = Array.from(new Set(cuts)).sort(function (a, b) {
      return a - b;
    });
    var pieces = doc.createDocumentFragment();
    for (var c = 0; c + 1 < cuts.length; c++) {
      var a = cuts[c];
      var b = cuts[c + 1];
      var piece = doc.createTextNode(data.slice(a, b));
      var covering = segments.filter(function (segment) {
        return segment.from <= a && segment.to >= b;
      });
      if (layoutOnly && !/[^\t\n\f\r ]/.test(piece.data)) covering = [];
      var outer = piece;
      for (var j = covering.length - 1; j >= 0; j--) {
        var mark = doc.createElement("mark");
        mark.setAttribute(MARK, String(covering[j].span.id));
        mark.setAttribute(COLOUR, covering[j].span.colour);
        mark.appendChild(outer);
        outer = mark;
      }
      pieces.appendChild(outer);
    }
    node.parentNode.replaceChild(pieces, node);
  }

  function unpaint(doc) {
    doc.querySelectorAll("mark[" + MARK + "]").forEach(function (mark) {
      var parent = mark.parentNode;
      while (mark.firstChild) parent.insertBefore(mark.firstChild, mark);
      parent.removeChild(mark);
    });
    doc.body.normalize();
  }

  /** Where each highlight goes in this text (UTF-16), checked against the
   *  text the server says it covers; the nearest copy of that text if the
   *  offsets disagree; null if it is nowhere. */
  function locate(text, map, highlight) {
    var from = map.toUnits(highlight.start);
    var to = map.toUnits(highlight.end);
    if (text.slice(from, to) === highlight.exact) return { from: from, to: to };
    var before = text.lastIndexOf(highlight.exact, from);
    var after = text.indexOf(highlight.exact, from);
    var found = before < 0 ? after : after < 0 ? before : from - before <= after - from ? before : after;
    return found < 0 ? null : { from: found, to: found + highlight.exact.length };
  }

  // --- The reader page ------------------------------------------------------

  function Reader(root) {
    this.root = root;
    this.frame = document.getElementById("reader-frame");
    this.toolbar = document.getElementById("reader-toolbar");
    this.status = document.getElementById("reader-status");
    this.data = readJson(document, "reader-data");
    this.strings = readJson(document, "reader-strings");
    this.doc = null;
    this.index = null;
    this.pending = null;
    this.busy = false;
  }

  function readJson(doc, id) {
    var element = doc.getElementById(id);
    return element ? JSON.parse(element.textContent) : {};
  }

  Reader.prototype.start = function () {
    var reader = this;
    var help = document.getElementById("reader-help");
    if (help) help.hidden = false;
    this.frame.addEventListener("load", function () {
      reader.attach();
    });
    var doc = this.frame.contentDocument;
    if (doc && doc.readyState === "complete" && doc.URL.indexOf("/frame/") !== -1) this.attach();
    document.addEventListener("submit", function (event) {
      reader.onSubmit(event);
    });
    document.addEventListener("click", function (event) {
      var show = event.target.closest("[data-show]");
      if (show) reader.reveal(show.getAttribute("data-show"));
    });
    document.addEventListener("keydown", function (event) {
      reader.onKey(event);
    });
    window.addEventListener("scroll", function () {
      reader.followSelection();
    });
    window.addEventListener("resize", function () {
      reader.followSelection();
    });
    if (this.toolbar) {
      this.toolbar.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-colour]");
        if (button) reader.create(button.getAttribute("data-colour"));
      });
      this.toolbar.addEventListener("keydown", function (event) {
        reader.onToolbarKey(event);
      });
    }
    this.enhancePanel();
  };

  /** Take hold of the frame's document once it has loaded (again). */
  Reader.prototype.attach = function () {
    var doc = null;
    try {
      doc = this.frame.contentDocument;
    } catch (error) {
      doc = null; // the frame went to another origin: a link was followed
    }
    if (!doc || !doc.body || doc === this.doc) {
      this.hideToolbar();
      return;
    }
    this.doc = doc;
    var style = doc.createElement("style");
    style.textContent = PAINT_STYLE;
    doc.head.appendChild(style);
    var reader = this;
    doc.addEventListener("mouseup", function () {
      window.setTimeout(function () {
        reader.onSelection(false);
      }, 0);
    });
    doc.addEventListener("keyup", function (event) {
      if (event.shiftKey) reader.onSelection(false);
    });
    doc.addEventListener("selectionchange", function () {
      if (doc.getSelection().isCollapsed && !reader.toolbarHasFocus()) reader.hideToolbar();
    });
    doc.addEventListener("keydown", function (event) {
      reader.onKey(event);
    });
    doc.addEventListener("click", function (event) {
      reader.onFrameClick(event);
    });
    doc.defaultView.addEventListener("scroll", function () {
      reader.followSelection();
    });
    this.repaint();
  };

  Reader.prototype.repaint = function () {
    var started = performance.now();
    unpaint(this.doc);
    var before = indexText(this.doc);
    var text = before.text;
    var map = codePointMap(text);
    var spans = [];
    var missing = [];
    this.data.highlights.forEach(function (highlight) {
      var place = locate(text, map, highlight);
      if (place) spans.push({ id: highlight.id, colour: highlight.colour, from: place.from, to: place.to });
      else missing.push(highlight.id);
    });
    paint(before, spans);
    // Painting splits text nodes: the index the selection reads is rebuilt.
    this.index = indexText(this.doc);
    // Two figures: the script's own work, and until the next frame is on
    // screen (the browser's style, layout and paint of the marks included).
    performance.measure("commonplace-reader-paint", { start: started, end: performance.now() });
    window.requestAnimationFrame(function () {
      window.setTimeout(function () {
        performance.measure("commonplace-reader-paint-shown", { start: started, end: performance.now() });
      }, 0);
    });
    missing.forEach(function (id) {
      var entry = document.getElementById("reader-highlight-" + id);
      if (entry) entry.setAttribute("data-unplaced", "");
    });
    if (missing.length) this.announce(this.strings.notFound, true);
    this.root.setAttribute("data-painted", String(spans.length));
    this.root.setAttribute("data-paints", String(Number(this.root.getAttribute("data-paints") || 0) + 1));
  };

  Reader.prototype.enhancePanel = function () {
    document.querySelectorAll("#reader-panel [data-show]").forEach(function (button) {
      button.hidden = false;
    });
  };

  // --- Selection → highlight

  Reader.prototype.onSelection = function (focusToolbar) {
    if (!this.toolbar || !this.data.create || !this.doc) return false;
    this.pending = quoteOfSelection(this.index, this.doc.getSelection());
    if (!this.pending) {
      if (!this.toolbarHasFocus()) this.hideToolbar();
      return false;
    }
    this.toolbar.hidden = false;
    this.placeToolbar();
    if (focusToolbar) this.toolbar.querySelector("button").focus();
    return true;
  };

  /** Above the selection where there is room, else below it; always over the frame. */
  Reader.prototype.placeToolbar = function () {
    var rect = this.pending.range.getBoundingClientRect();
    var frame = this.frame.getBoundingClientRect();
    var box = this.toolbar.parentNode.getBoundingClientRect();
    var height = this.toolbar.offsetHeight;
    var top = rect.top - height - 8 >= 0 ? rect.top - height - 8 : rect.bottom + 8;
    top = Math.min(Math.max(top, 0), Math.max(this.frame.clientHeight - height, 0));
    var left = Math.min(Math.max(rect.left, 0), Math.max(this.frame.clientWidth - this.toolbar.offsetWidth, 0));
    this.toolbar.style.top = Math.round(frame.top - box.top + this.frame.clientTop + top) + "px";
    this.toolbar.style.left = Math.round(frame.left - box.left + this.frame.clientLeft + left) + "px";
  };

  Reader.prototype.followSelection = function () {
    if (this.pending && this.toolbar && !this.toolbar.hidden) this.placeToolbar();
  };

  Reader.prototype.hideToolbar = function () {
    if (this.toolbar) this.toolbar.hidden = true;
    this.pending = null;
  };

  Reader.prototype.toolbarHasFocus = function () {
    return !!this.toolbar && this.toolbar.contains(document.activeElement);
  };

  /** Alt+Shift+H, in the frame or the page: offer the highlight choice for
   *  the selection and move focus to it. */
  Reader.prototype.onKey = function (event) {
    if (!(event.altKey && event.shiftKey && event.code === "KeyH")) return;
    if (!this.toolbar || !this.data.create) return;
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) return;
    event.preventDefault();
    if (!this.onSelection(true)) this.announce(this.strings.selectFirst, true);
  };

  Reader.prototype.onToolbarKey = function (event) {
    var buttons = Array.from(this.toolbar.querySelectorAll("button"));
    var at = buttons.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      this.hideToolbar();
      this.frame.focus();
    } else if ((event.key === "ArrowRight" || event.key === "ArrowDown") && at >= 0) {
      event.preventDefault();
      buttons[(at + 1) % buttons.length].focus();
    } else if ((event.key === "ArrowLeft" || event.key === "ArrowUp") && at >= 0) {
      event.preventDefault();
      buttons[(at - 1 + buttons.length) % buttons.length].focus();
    }
  };

  Reader.prototype.create = function (colour) {
    var pending = this.pending;
    if (!pending || this.busy) return;
    var reader = this;
    var body = {
      exact: pending.exact,
      prefix: pending.prefix,
      suffix: pending.suffix,
      start: pending.start,
      end: pending.end,
      snapshot: this.data.snapshot,
      colour: colour,
    };
    this.send(this.data.create, body).then(function (answer) {
      if (!answer) return;
      reader.hideToolbar();
      reader.doc.getSelection().removeAllRanges();
      return reader.refresh(["reader-quote-" + answer.highlight.id]).then(function () {
        reader.announce(reader.strings.saved);
      });
    });
  };

  // --- Highlights ↔ list

  Reader.prototype.onFrameClick = function (event) {
    var link = event.target.closest("a[href]");
    if (link) {
      // The copy's links lead to the live web: in a new tab, never in the frame.
      event.preventDefault();
      if (/^https?:/i.test(link.href)) window.open(link.href, "_blank", "noopener,noreferrer");
      return;
    }
    var mark = event.target.closest("mark[" + MARK + "]");
    if (mark && this.doc.getSelection().isCollapsed) {
      var quote = document.getElementById("reader-quote-" + mark.getAttribute(MARK));
      if (quote) {
        this.activate(mark.getAttribute(MARK));
        quote.scrollIntoView({ block: "nearest" });
        quote.focus({ preventScroll: true });
      }
    }
  };

  Reader.prototype.activate = function (id) {
    if (!this.doc) return null;
    this.doc.querySelectorAll("mark[" + ACTIVE + "]").forEach(function (mark) {
      mark.removeAttribute(ACTIVE);
    });
    var marks = this.doc.querySelectorAll("mark[" + MARK + '="' + String(Number(id)) + '"]');
    marks.forEach(function (mark) {
      mark.setAttribute(ACTIVE, "");
    });
    return marks[0] || null;
  };

  Reader.prototype.reveal = function (id) {
    var mark = this.activate(id);
    if (mark) mark.scrollIntoView({ block: "center" });
  };

  // --- Writes

  Reader.prototype.onSubmit = function (event) {
    var form = event.target;
    if (!form.matches("#reader-panel form[data-api]")) return;
    event.preventDefault();
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(this.strings[question])) return;
    var body = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "next") body[name] = value;
    });
    var reader = this;
    var done = this.strings[form.getAttribute("data-done")];
    var entry = form.closest("[data-highlight]");
    // Back to the same control if it is still there, else to its highlight, else to the list.
    var focus = [document.activeElement && document.activeElement.id, "reader-panel-heading"];
    if (entry) focus.splice(1, 0, "reader-quote-" + entry.getAttribute("data-highlight"));
    this.send(form.getAttribute("data-api"), body).then(function (answer) {
      if (answer === null) return;
      return reader.refresh(focus).then(function () {
        reader.announce(done);
      });
    });
  };

  /** POST JSON with the CSRF token; the answer's JSON ({} for 204), or null
   *  after announcing what went wrong. */
  Reader.prototype.send = function (url, body) {
    var reader = this;
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    this.busy = true;
    this.status.textContent = ""; // what it said about the last write is stale now
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json",
        "X-CSRFToken": token ? token.value : "",
      },
      body: JSON.stringify(body),
    })
      .then(
        function (response) {
          if (response.ok) return response.status === 204 ? {} : response.json();
          return response
            .json()
            .catch(function () {
              return {};
            })
            .then(function (answer) {
              var reason = answer.error || response.statusText || String(response.status);
              reader.announce(reader.strings.failed.replace("%(reason)s", reason), true);
              return null;
            });
        },
        function () {
          reader.announce(reader.strings.offline, true);
          return null;
        }
      )
      .finally(function () {
        reader.busy = false;
      });
  };

  /** Fetch this page again, put its list in place of ours, repaint from its
   *  data, and move focus to the first of ``focusIds`` that exists. */
  Reader.prototype.refresh = function (focusIds) {
    var reader = this;
    return fetch(window.location.pathname + window.location.search, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var panel = fresh.getElementById("reader-panel");
        document.getElementById("reader-panel").replaceWith(document.adoptNode(panel));
        reader.data = readJson(fresh, "reader-data");
        reader.enhancePanel();
        if (reader.doc) reader.repaint();
        var target = null;
        focusIds.some(function (id) {
          target = id ? document.getElementById(id) : null;
          return target !== null;
        });
        if (target) {
          if (!target.hasAttribute("tabindex") && !target.matches("a, button, input, select, textarea, summary")) {
            target.setAttribute("tabindex", "-1");
          }
          target.focus();
        }
      })
      .catch(function () {
        reader.announce(reader.strings.offline, true);
      });
  };

  /** Say it in the live region; emptied first, so the same words twice are heard twice. */
  Reader.prototype.announce = function (message, isError) {
    var status = this.status;
    status.textContent = "";
    status.classList.toggle("reader__status--error", !!isError);
    window.setTimeout(function () {
      status.textContent = message || "";
    }, 50);
  };

  // What tests (and curious people) may call: the text rule as this script
  // computes it, and the conversions between it and the DOM.
  window.CommonplaceReader = {
    /** The snapshot's text of ``doc``. */
    textOf: function (doc) {
      return indexText(doc).text;
    },
    /** The selectors a highlight of ``doc``'s selection would be saved with. */
    selectorsOf: function (doc) {
      var quote = quoteOfSelection(indexText(doc), doc.getSelection());
      if (quote) delete quote.range;
      return quote;
    },
    /** A DOM Range over the text from ``start`` to ``end`` (code points). */
    rangeOf: function (doc, start, end) {
      var index = indexText(doc);
      var map = codePointMap(index.text);
      var from = map.toUnits(start);
      var to = map.toUnits(end);
      var range = doc.createRange();
      if (to <= from) return range;
      range.setStart(index.nodes[index.nodeOf[from]], index.offsetOf[from]);
      range.setEnd(index.nodes[index.nodeOf[to - 1]], index.offsetOf[to - 1] + 1);
      return range;
    },
  };

  var root = document.getElementById("reader");
  if (root && document.getElementById("reader-frame")) new Reader(root).start();
})();
