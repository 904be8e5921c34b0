// "Zeg het voort": use the phone's own share sheet when there is one; the mailto link stays the fallback.
(function () {
  "use strict";
  var button = document.getElementById("share-button");
  if (!button || !navigator.share) {
    return;
  }
  button.addEventListener("click", function (event) {
    event.preventDefault();
    navigator.share({
      title: button.dataset.shareTitle,
      text: button.dataset.shareText,
      url: button.dataset.shareUrl
    }).catch(function () {
      // The person closed the share sheet; nothing to do.
    });
  });
})();
