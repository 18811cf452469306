// While an import runs, reload its page every second so the progress moves (the page has a refresh link too).
(function () {
  'use strict';
  setTimeout(function () {
    window.location.reload();
  }, 1000);
})();
