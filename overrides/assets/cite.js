// The "Copy BibTeX" button of paper pages: shown only where a script can copy.
(function () {
  "use strict";
  function setUp() {
    // The entry is the code block beside the button (the theme renames code blocks' ids).
    document.querySelectorAll(".cite button[data-copy]").forEach(function (button) {
      var source = button.parentElement.querySelector("pre code");
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
