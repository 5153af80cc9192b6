// The search page: Pagefind's interface over the paper pages' index.
// A query in the address (search/?q=words) is run at once, so searches can be linked.
window.addEventListener("DOMContentLoaded", function () {
  var ui = new PagefindUI({
    element: "#search",
    showSubResults: false,
    showImages: false,
    resetStyles: false,
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
});
