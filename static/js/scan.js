// Check-in scanner: read the QR code of a confirmation mail with the rear camera and open its
// check-in page. Uses the browser's BarcodeDetector when it can read QR codes, else jsQR
// (static/vendor/jsQR.js, loaded only when needed). Every word comes from words.js, in the
// page's language, and is set with textContent.
import { t } from "./words.js";

const root = document.getElementById("scanner");
const video = document.getElementById("scan-video");
const statusLine = document.getElementById("scan-status");
const startButton = document.getElementById("scan-start");
const stopButton = document.getElementById("scan-stop");
const { codePrefix: prefix, session, baseUrl, jsqrSrc } = root.dataset;
const origins = [window.location.origin];
const canvas = document.createElement("canvas");
const context = canvas.getContext("2d", { willReadFrequently: true });
let stream = null;
let decode = null;
let busy = false;
let done = false;

try {
  if (baseUrl) {
    origins.push(new URL(baseUrl).origin);
  }
} catch {
  // A malformed BASE_URL only means codes must match this page's own origin.
}

function say(text) {
  statusLine.textContent = text || "";
}

// The path of a check-in link of this site, or null for anything else.
function checkInPath(text) {
  let url;
  try {
    url = new URL(text, window.location.href);
  } catch {
    return null;
  }
  if (!origins.includes(url.origin) || !url.pathname.startsWith(prefix)) {
    return null;
  }
  const code = url.pathname.slice(prefix.length);
  if (!code || code.includes("/")) {
    return null;
  }
  return url.pathname;
}

function found(text) {
  const path = checkInPath(text);
  if (!path) {
    say(t("foreign"));
    return false;
  }
  done = true;
  say(t("found"));
  stop();
  // Stay on this origin, where the organiser is logged in, and say which session we expect.
  window.location.assign(`${path}?sessie=${encodeURIComponent(session)}`);
  return true;
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = reject;
    document.head.append(script);
  });
}

function nativeDecoder() {
  if (!("BarcodeDetector" in window)) {
    return Promise.resolve(null);
  }
  const supported = window.BarcodeDetector.getSupportedFormats
    ? window.BarcodeDetector.getSupportedFormats()
    : Promise.resolve(["qr_code"]);
  return supported
    .then((formats) => {
      if (!formats.includes("qr_code")) {
        return null;
      }
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return () => detector.detect(video).then((codes) => (codes.length ? codes[0].rawValue : null));
    })
    .catch(() => null);
}

function jsQRDecoder() {
  const ready = window.jsQR ? Promise.resolve() : loadScript(jsqrSrc);
  return ready
    .then(() => {
      if (!window.jsQR) {
        return null;
      }
      return () => {
        const width = video.videoWidth;
        const height = video.videoHeight;
        if (!width || !height) {
          return Promise.resolve(null);
        }
        // Scale large frames down: QR codes in a mail are big enough, and phones stay cool.
        const scale = Math.min(1, 640 / Math.max(width, height));
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const result = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(result ? result.data : null);
      };
    })
    .catch(() => null);
}

function chooseDecoder() {
  return nativeDecoder().then((native) => native || jsQRDecoder());
}

function tickLater(ms) {
  window.setTimeout(() => {
    window.requestAnimationFrame(tick);
  }, ms);
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
      if (!(text && found(text))) {
        tickLater(120);
      }
    })
    .catch(() => {
      busy = false;
      tickLater(250);
    });
}

function stop() {
  if (stream) {
    for (const track of stream.getTracks()) {
      track.stop();
    }
    stream = null;
  }
  video.srcObject = null;
  video.hidden = true;
  stopButton.hidden = true;
  startButton.hidden = false;
}

function start() {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    say(t("insecure"));
    return;
  }
  startButton.hidden = true;
  say(t("starting"));
  chooseDecoder()
    .then((decoder) => {
      if (!decoder) {
        startButton.hidden = false;
        say(t("no-decoder"));
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
            say(t("scanning"));
            window.requestAnimationFrame(tick);
          });
        });
    })
    .catch((error) => {
      stop();
      const name = error?.name;
      say(name === "NotAllowedError" || name === "SecurityError" ? t("denied") : t("no-camera"));
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
  say(t("insecure"));
}
