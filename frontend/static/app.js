/* OpenToMentor — small enhancements. Every page works without this file. */
(function () {
  "use strict";

  // htmx requests that change state carry the session's CSRF token.
  document.addEventListener("htmx:configRequest", function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    var verb = String(e.detail.verb || "").toLowerCase();
    if (meta && meta.content && verb !== "get") {
      e.detail.headers["X-CSRF-Token"] = meta.content;
    }
    // htmx sends a form's request to the formaction of the button clicked last;
    // the live preview of the application must always go to the preview.
    var elt = e.detail.elt;
    if (elt && elt.id === "apply-form" && verb === "post") {
      e.detail.path = "/apply/preview";
    }
    // A search leaves out the filters set to "any" (empty), so that its
    // address is the one its links have.
    if (verb === "get" && e.detail.parameters) {
      var empty = [];
      var params = e.detail.parameters;
      var keys = typeof params.keys === "function" ? Array.from(params.keys()) : Object.keys(params);
      keys.forEach(function (k) {
        var v = typeof params.getAll === "function" ? params.getAll(k) : [].concat(params[k]);
        if (v.length === 1 && v[0] === "" && k !== "q") {
          empty.push(k);
        }
      });
      empty.forEach(function (k) {
        if (typeof params.delete === "function") {
          params.delete(k);
        } else {
          delete params[k];
        }
      });
    }
  });

  // A page a form was sent back to (POST /apply/submit with errors) keeps
  // the address of the form itself, so that a reload does not send it again.
  // The form carries novalidate: the server's live check names every problem
  // (the browser's own check would stop htmx's live check at the first
  // invalid URL or number, silently).
  var home = document.querySelector("[data-replace-url]");
  if (home && window.history && history.replaceState && location.pathname !== home.getAttribute("data-replace-url")) {
    history.replaceState(null, "", home.getAttribute("data-replace-url"));
  }

  // On a phone the nav folds behind a menu button (the button shows only
  // with this file: without it the links stay in view).
  var toggle = document.querySelector(".nav-toggle");
  if (toggle) {
    toggle.hidden = false;
    document.documentElement.classList.add("nav-folds");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      toggle.closest(".site-nav").classList.toggle("nav-open", open);
    });
  }

  // Times are written in UTC by the server (pages work without this file);
  // show them in the reader's own time zone and language, the UTC text as
  // the tooltip.
  var timeFormat = null;
  try {
    timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: "medium", timeStyle: "short" });
  } catch (err) {
    timeFormat = null;
  }
  function localTimes(root) {
    if (!timeFormat || !root.querySelectorAll) {
      return;
    }
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      var text = el.textContent.trim();
      var at = new Date(el.getAttribute("datetime"));
      if (!/ UTC$/.test(text) || isNaN(at.getTime())) {
        return;
      }
      el.title = text;
      el.textContent = timeFormat.format(at);
    });
  }
  localTimes(document);
  document.addEventListener("htmx:afterSwap", function (e) { localTimes(e.target); });

  // The directory's filters: folded on narrow screens (results first) unless
  // the reader opened them; always open on wide ones.
  var wide = window.matchMedia ? window.matchMedia("(min-width: 56rem)") : null;
  var facetsOpened = false;
  function foldFacets(root) {
    var facets = root && root.querySelector ? root.querySelector("#dir-facets") : null;
    if (!facets || !wide) {
      return;
    }
    facets.open = wide.matches || facetsOpened;
    facets.addEventListener("toggle", function () {
      if (!wide.matches) {
        facetsOpened = facets.open;
      }
    });
  }
  foldFacets(document);
  document.addEventListener("htmx:afterSwap", function (e) { foldFacets(e.target); });

  // Character counters: <p data-counter-for="id" data-max="n" data-template="%d of %d">.
  function updateCounter(counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!field) {
      return;
    }
    var n = Array.from(field.value.trim()).length;
    var max = counter.getAttribute("data-max");
    var text = counter.getAttribute("data-template") || "%d / %d";
    counter.textContent = text.replace("%d", String(n)).replace("%d", max);
    counter.classList.toggle("counter-over", n > Number(max));
  }
  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    if (field) {
      field.addEventListener("input", function () { updateCounter(counter); });
      updateCounter(counter);
    }
  });

  // Checkbox groups with a maximum: <fieldset data-max-checked="5">.
  function limitChecks(group) {
    var max = Number(group.getAttribute("data-max-checked"));
    var boxes = group.querySelectorAll('input[type="checkbox"]');
    var checked = group.querySelectorAll('input[type="checkbox"]:checked').length;
    boxes.forEach(function (box) {
      box.disabled = !box.checked && checked >= max;
    });
  }
  document.querySelectorAll("[data-max-checked]").forEach(function (group) {
    group.addEventListener("change", function () { limitChecks(group); });
    limitChecks(group);
  });

  // Error slots updated by htmx: keep aria-invalid of their controls in step.
  function syncInvalid() {
    document.querySelectorAll(".field-error[id^='err-']").forEach(function (slot) {
      var id = slot.id;
      var invalid = slot.textContent.trim() !== "";
      document.querySelectorAll('[aria-describedby~="' + id + '"]').forEach(function (el) {
        if (el.matches("input, select, textarea")) {
          if (invalid) {
            el.setAttribute("aria-invalid", "true");
          } else {
            el.removeAttribute("aria-invalid");
          }
        }
      });
    });
  }
  document.addEventListener("htmx:afterSettle", syncInvalid);

  // After a failed submission, move focus to the error summary.
  // After a successful one, move it to the confirmation, so that screen
  // readers announce what happened after the redirect.
  var summary = document.querySelector("[data-error-summary]");
  var flash = document.querySelector("[data-flash]");
  if (summary) {
    summary.focus();
  } else if (flash && !document.querySelector("[autofocus]")) {
    flash.focus({ preventScroll: true });
  }

  // Keyboard shortcuts on the curators' pages (announced there when this runs).
  var root = document.querySelector("[data-shortcuts]");
  if (!root) {
    return;
  }
  document.querySelectorAll("[data-shortcuts-hint]").forEach(function (hint) {
    hint.hidden = false;
  });
  function typing(el) {
    if (!el || el === document.body) {
      return false;
    }
    if (el.isContentEditable || el.matches("textarea, select")) {
      return true;
    }
    if (el.matches("input")) {
      return ["checkbox", "radio", "button", "submit", "reset"].indexOf(el.type) < 0;
    }
    return false;
  }
  function choose(value) {
    var radio = document.querySelector('input[name="decision"][value="' + value + '"]');
    if (!radio) {
      return false;
    }
    radio.checked = true;
    radio.focus();
    return true;
  }
  function moveInQueue(step) {
    var links = Array.from(document.querySelectorAll("[data-queue-link]"));
    if (!links.length) {
      return false;
    }
    var i = links.indexOf(document.activeElement);
    var next = i < 0 ? (step > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, i + step));
    links[next].focus();
    return true;
  }
  function follow(key) {
    var link = document.querySelector('[data-shortcut-link="' + key + '"]');
    if (!link) {
      return false;
    }
    window.location.href = link.href;
    return true;
  }
  // c and r move on to the reason when the key is released, so that the
  // letter is never typed into it.
  var focusReasonOn = null;
  document.addEventListener("keyup", function (e) {
    if (focusReasonOn !== null && e.key === focusReasonOn) {
      focusReasonOn = null;
      var reason = document.getElementById("f-reason");
      if (reason) {
        reason.focus();
      }
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) {
      return;
    }
    var done = false;
    switch (e.key) {
    case "a":
      done = choose("approve");
      break;
    case "c":
    case "r":
      done = choose(e.key === "c" ? "request_changes" : "reject");
      if (done) {
        focusReasonOn = e.key;
      }
      break;
    case "j":
      done = moveInQueue(1) || follow("j");
      break;
    case "k":
      done = moveInQueue(-1) || follow("k");
      break;
    }
    if (done) {
      e.preventDefault();
    }
  });
})();

(function () {
  "use strict";

  function typing(el) {
    return !!el && (el.isContentEditable || (el.matches && el.matches("input, textarea, select")));
  }

  // Directory keyboard navigation: "/" focuses the search box; ArrowDown and
  // ArrowUp move from the search box through the result links and back.
  function resultLinks() {
    return Array.prototype.slice.call(document.querySelectorAll("#directory-results .mentor-name a"));
  }
  document.addEventListener("keydown", function (e) {
    var q = document.getElementById("q");
    if (!q || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) {
      return;
    }
    if (e.key === "/" && !typing(e.target)) {
      q.focus();
      q.select();
      e.preventDefault();
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") {
      return;
    }
    var links = resultLinks();
    if (links.length === 0) {
      return;
    }
    var i = links.indexOf(document.activeElement);
    if (e.target === q && e.key === "ArrowDown") {
      links[0].focus();
    } else if (i >= 0 && e.key === "ArrowDown" && i + 1 < links.length) {
      links[i + 1].focus();
    } else if (i > 0 && e.key === "ArrowUp") {
      links[i - 1].focus();
    } else if (i === 0 && e.key === "ArrowUp") {
      q.focus();
    } else {
      return;
    }
    e.preventDefault();
  });
})();
