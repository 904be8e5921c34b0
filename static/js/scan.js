// Check-in scanner: read the QR code of a confirmation mail with the rear camera and open its
// check-in page. Uses the browser's BarcodeDetector when it can read QR codes, else jsQR
// (static/vendor/jsQR.js, loaded only when needed). Every message comes from the page, in the
// page's language, and is set with textContent.
(() => {
  var root = document.getElementById("scanner");
  if (!root) {
    return;
  }
  var video = document.getElementById("scan-video");
  var statusLine = document.getElementById("scan-status");
  var startButton = document.getElementById("scan-start");
  var stopButton = document.getElementById("scan-stop");
  var messages = root.dataset;
  var prefix = messages.codePrefix;
  var origins = [window.location.origin];
  var stream = null;
  var decode = null;
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var busy = false;
  var done = false;

  try {
    if (messages.baseUrl) {
      origins.push(new URL(messages.baseUrl).origin);
    }
  } catch (_error) {
    // A malformed BASE_URL only means codes must match this page's own origin.
  }

  function say(text) {
    statusLine.textContent = text || "";
  }

  // The path of a check-in link of this site, or null for anything else.
  function checkInPath(text) {
    var url;
    try {
      url = new URL(text, window.location.href);
    } catch (_error) {
      return null;
    }
    if (origins.indexOf(url.origin) === -1 || url.pathname.indexOf(prefix) !== 0) {
      return null;
    }
    var code = url.pathname.slice(prefix.length);
    if (!code || code.indexOf("/") !== -1) {
      return null;
    }
    return url.pathname;
  }

  function found(text) {
    var path = checkInPath(text);
    if (!path) {
      say(messages.msgForeign);
      return false;
    }
    done = true;
    say(messages.msgFound);
    stop();
    // Stay on this origin, where the organiser is logged in, and say which session we expect.
    window.location.assign(`${path}?sessie=${encodeURIComponent(messages.session)}`);
    return true;
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function nativeDecoder() {
    if (!("BarcodeDetector" in window)) {
      return Promise.resolve(null);
    }
    var supported = window.BarcodeDetector.getSupportedFormats
      ? window.BarcodeDetector.getSupportedFormats()
      : Promise.resolve(["qr_code"]);
    return supported
      .then((formats) => {
        if (formats.indexOf("qr_code") === -1) {
          return null;
        }
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return () => detector.detect(video).then((codes) => (codes.length ? codes[0].rawValue : null));
      })
      .catch(() => null);
  }

  function jsQRDecoder() {
    var ready = window.jsQR ? Promise.resolve() : loadScript(messages.jsqrSrc);
    return ready
      .then(() => {
        if (!window.jsQR) {
          return null;
        }
        return () => {
          var width = video.videoWidth;
          var height = video.videoHeight;
          if (!width || !height) {
            return Promise.resolve(null);
          }
          // Scale large frames down: QR codes in a mail are big enough, and phones stay cool.
          var scale = Math.min(1, 640 / Math.max(width, height));
          canvas.width = Math.round(width * scale);
          canvas.height = Math.round(height * scale);
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          var image = context.getImageData(0, 0, canvas.width, canvas.height);
          var result = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
          return Promise.resolve(result ? result.data : null);
        };
      })
      .catch(() => null);
  }

  function chooseDecoder() {
    return nativeDecoder().then((native) => native || jsQRDecoder());
  }

  function tick() {
    if (!stream || done) {
      return;
    }
    if (busy || video.readyState < 2) {
      window.requestAnimationFrame(tick);
      return;
    }
    busy = true;
    decode()
      .then((text) => {
        busy = false;
        if (text && found(text)) {
          return;
        }
        window.setTimeout(() => {
          window.requestAnimationFrame(tick);
        }, 120);
      })
      .catch(() => {
        busy = false;
        window.setTimeout(() => {
          window.requestAnimationFrame(tick);
        }, 250);
      });
  }

  function stop() {
    if (stream) {
      stream.getTracks().forEach((track) => {
        track.stop();
      });
      stream = null;
    }
    video.srcObject = null;
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
  }

  function start() {
    if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
      say(messages.msgInsecure);
      return;
    }
    startButton.hidden = true;
    say(messages.msgStarting);
    chooseDecoder()
      .then((decoder) => {
        if (!decoder) {
          startButton.hidden = false;
          say(messages.msgNoDecoder);
          return null;
        }
        decode = decoder;
        return navigator.mediaDevices
          .getUserMedia({
            audio: false,
            video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
          })
          .then((mediaStream) => {
            stream = mediaStream;
            video.srcObject = mediaStream;
            video.hidden = false;
            stopButton.hidden = false;
            return video.play().then(() => {
              say(messages.msgScanning);
              window.requestAnimationFrame(tick);
            });
          });
      })
      .catch((error) => {
        stop();
        var name = error?.name;
        say(name === "NotAllowedError" || name === "SecurityError" ? messages.msgDenied : messages.msgNoCamera);
      });
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", () => {
    stop();
    say("");
  });
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      stop();
    }
  });
  if (!window.isSecureContext) {
    say(messages.msgInsecure);
  }
})();
