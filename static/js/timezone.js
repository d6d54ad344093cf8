// The browser's time zone, so the server can show dates in it.
//
// Every page: a cookie holding the IANA zone name, which
// accounts.middleware.TimeZoneMiddleware reads for anyone who has not chosen
// a zone in their settings. Pages with a field marked data-browser-time-zone
// (sign-up's hidden field, the settings' time zone choice): the hidden field
// is filled in, and the empty choice names the zone it stands for.
(function () {
  "use strict";

  var COOKIE = "time_zone";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return; // No Intl: the server falls back to UTC.
  }
  if (!zone) return;

  var pair = COOKIE + "=" + zone;
  if (document.cookie.split("; ").indexOf(pair) === -1) {
    document.cookie =
      pair +
      "; path=/; max-age=31536000; samesite=lax" +
      (location.protocol === "https:" ? "; secure" : "");
  }

  var fields = document.querySelectorAll("[data-browser-time-zone]");
  for (var i = 0; i < fields.length; i++) {
    var field = fields[i];
    if (field.tagName === "SELECT") {
      var empty = field.querySelector('option[value=""]');
      if (empty) empty.textContent += " (" + zone + ")";
    } else if (!field.value) {
      field.value = zone;
    }
  }
})();
