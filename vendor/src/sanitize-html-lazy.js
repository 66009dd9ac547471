// sanitize-html, loaded on first use. The widget manager imports it at start-up
// but only calls it for descriptions that allow HTML.
let real = null;

export default function sanitize(dirty, options) {
  if (real === null) {
    real = require('sanitize-html/index.js');
  }
  return real(dirty, options);
}
