// Password strength meter: a progressive enhancement of the new-password fields. The server's policy
// (src/auth/password-policy.ts) decides; this shows, while typing, what it will say: the same length,
// the same "not your name or address" rule and the same estimator (zxcvbn-ts with its common
// dictionaries, loaded from /public/vendor on the first keystroke, not with the page).
(function () {
  'use strict';
  var COMMON = ['topTen', 'topHundred', 'common', 'similarToCommon', 'pwned'];
  var estimator = null;
  var loading = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function loadEstimator() {
    if (!loading) {
      loading = loadScript('/public/vendor/zxcvbn-ts-core.js')
        .then(function () {
          return loadScript('/public/vendor/zxcvbn-ts-common.js');
        })
        .then(function () {
          var z = window.zxcvbnts;
          var common = z['language-common'];
          estimator = new z.core.ZxcvbnFactory({ dictionary: common.dictionary, graphs: common.adjacencyGraphs, maxLength: 100 });
        });
    }
    return loading;
  }

  function fold(s) {
    return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  }

  function parts(name, email) {
    var e = fold(email || '').trim();
    var local = e.split('@')[0] || '';
    var all = [e, local].concat(local.split(/[^\p{L}\p{N}]+/u), fold(name || '').split(/[^\p{L}\p{N}]+/u));
    return all.filter(function (p) {
      return p;
    });
  }

  function setUp(meter) {
    var input = document.getElementById(meter.dataset.for);
    if (!input) return;
    var bar = meter.querySelector('meter');
    var text = meter.querySelector('[data-meter-text]');
    var form = input.form;
    var minLength = Number(meter.dataset.minLength);
    var minScore = Number(meter.dataset.minScore);
    var context = JSON.parse(meter.dataset.context || '[]');
    var known = JSON.parse(meter.dataset.inputs || '[]');
    var field = function (name) {
      return form && form.elements.namedItem(name);
    };

    function owner() {
      var name = field('name');
      var email = field('email');
      return known.concat(parts(name ? name.value : '', email ? email.value : ''));
    }

    function say(key, score) {
      bar.value = score;
      text.textContent = meter.dataset['text' + key] || '';
      meter.dataset.state = key.toLowerCase();
    }

    function update() {
      var password = input.value;
      var length = Array.from(password).length;
      if (!length) return say('Empty', 0);
      if (length < minLength) return say('Short', 0);
      var folded = fold(password);
      var compact = folded.replace(/[^\p{L}\p{N}]+/gu, '');
      var personal = owner();
      var contains = function (w) {
        return w.length >= 4 && (folded.indexOf(w) >= 0 || compact.indexOf(w) >= 0);
      };
      if (personal.some(contains)) return say('Personal', 0);
      if (context.some(contains)) return say('Context', 0);
      if (!estimator) return;
      var result = estimator.check(password, personal.concat(context));
      if (result.score >= minScore) return say(result.score >= 4 ? 'Strong' : 'Good', result.score);
      var warning = result.feedback.warning || '';
      if (COMMON.indexOf(warning) >= 0) return say('Common', result.score);
      if (warning === 'userInputs') return say('Personal', result.score);
      say('Weak', result.score);
    }

    meter.hidden = false;
    text.id = input.id + '-meter';
    input.setAttribute('aria-describedby', ((input.getAttribute('aria-describedby') || '') + ' ' + text.id).trim());
    var timer = null;
    input.addEventListener('input', function () {
      if (!estimator)
        loadEstimator().then(update, function () {
          meter.hidden = true; // no estimator: the server still says what is wrong
        });
      clearTimeout(timer);
      timer = setTimeout(update, 150);
    });
    say('Empty', 0);
  }

  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('[data-password-meter]'), setUp);
  });
})();
