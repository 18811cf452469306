// Upload progress for the documents panel: sends the form with XMLHttpRequest to show how far the
// upload is, then follows the server's answer. Without this script the form posts as usual.
(function () {
  'use strict';
  document.querySelectorAll('form[data-document-upload]').forEach(function (form) {
    var bar = form.querySelector('.upload-progress');
    var status = form.querySelector('.upload-status');
    var button = form.querySelector('button[type="submit"]');
    var template = form.getAttribute('data-sending-text') || '';
    form.addEventListener('submit', function (event) {
      if (!window.FormData || !window.XMLHttpRequest) return;
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('X-CSRF-Token', form.getAttribute('data-csrf') || '');
      bar.hidden = false;
      bar.value = 0;
      button.disabled = true;
      xhr.upload.addEventListener('progress', function (e) {
        if (!e.lengthComputable) return;
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        status.textContent = template.replace('{{percent}}', String(percent));
        if (percent === 100) status.textContent = form.getAttribute('data-processing-text') || '';
      });
      xhr.addEventListener('load', function () {
        var answer = {};
        try {
          answer = JSON.parse(xhr.responseText);
        } catch (ignore) {
          answer = {};
        }
        if (xhr.status >= 200 && xhr.status < 300 && answer.redirect) {
          var target = new URL(answer.redirect, window.location.href);
          // Back to this very page (only the #documents anchor may differ): a hash change alone would not reload it.
          if (target.pathname === window.location.pathname && target.search === window.location.search) {
            window.location.hash = target.hash;
            window.location.reload();
          } else {
            window.location.assign(target.href);
          }
          return;
        }
        button.disabled = false;
        bar.hidden = true;
        status.textContent = answer.error || form.getAttribute('data-error-text') || '';
      });
      xhr.addEventListener('error', function () {
        button.disabled = false;
        bar.hidden = true;
        status.textContent = form.getAttribute('data-error-text') || '';
      });
      xhr.send(new FormData(form));
    });
  });
})();
