// The progress of a job running in the background, shown as it goes: the page asks for its progress every two
// seconds and, once the job has finished, puts the page's result in place of the progress. Without JavaScript the
// page's "Refresh" link does the same when the person chooses (no timed reload: WCAG 2.2.1).
(function () {
  "use strict";
  var region = document.getElementById("job-status");
  if (!region || !region.dataset.jobProgress) {
    return;
  }
  var url = region.dataset.jobProgress;
  var announce = document.getElementById("job-announce");
  var every = 2000;

  function show(progress) {
    region.querySelectorAll("[data-job-field]").forEach(function (field) {
      var value = progress[field.dataset.jobField];
      if (value !== undefined && value !== null) {
        field.textContent = value;
      }
    });
  }

  function finish() {
    // The finished page holds the result as the server words it: take its region in place of this one.
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var result = page.getElementById("job-status");
        if (result) {
          region.replaceWith(result);
          var heading = result.querySelector("h2");
          if (heading) {
            heading.setAttribute("tabindex", "-1");
            heading.focus();
          }
        }
        if (announce) {
          announce.textContent = "Finished.";
        }
      });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        show(progress);
        if (progress.finished) {
          finish();
        } else {
          window.setTimeout(poll, every);
        }
      })
      .catch(function () {
        // Signed out, or the server briefly away: try again less often; the Refresh link still works.
        every = Math.min(every * 2, 30000);
        window.setTimeout(poll, every);
      });
  }

  window.setTimeout(poll, every);
})();
