// The "Copy BibTeX" button of paper pages: shown only where a script can copy.
(function () {
  "use strict";
  function setUp() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) return;
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.textContent).then(function () {
          button.textContent = "Copied";
        }, function () {
          button.textContent = "Select the entry and copy it";
        });
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
