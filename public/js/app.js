// Small progressive enhancements; every page works without this script.
(function () {
  'use strict';
  // Confirmation before destructive actions: forms carry their question in data-confirm.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // Move focus to the error summary so screen-reader users hear what went wrong.
  document.addEventListener('DOMContentLoaded', function () {
    var summary = document.querySelector('[data-autofocus]');
    if (summary) summary.focus();
  });
})();
