// "Zeg het voort": use the phone's own share sheet when there is one; the mailto link stays the fallback.
(() => {
  var button = document.getElementById("share-button");
  if (!button || !navigator.share) {
    return;
  }
  button.addEventListener("click", (event) => {
    event.preventDefault();
    navigator
      .share({
        title: button.dataset.shareTitle,
        text: button.dataset.shareText,
        url: button.dataset.shareUrl,
      })
      .catch(() => {
        // The person closed the share sheet; nothing to do.
      });
  });
})();
