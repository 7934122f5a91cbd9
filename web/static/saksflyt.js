// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // After a failed submit, move focus to the error summary so screen readers announce it.
  var summary = document.querySelector(".error-summary[tabindex]");
  if (summary) {
    summary.focus();
  }
})();
